#pragma once

#include <QMap>
#include <QString>

namespace fi::test {

/// A list of deliberate differences from a reference, `tests/conformance/NAME`: one line each,
/// `KEY | … | why` with `keyFields` fields before the reason; `#` starts a comment. Returns the
/// keys (their fields joined by " | ") and reasons; a line without a reason maps to an empty one.
QMap<QString, QString> knownDifferences(const QString& name, int keyFields);
/// What is wrong with such a list: missing, or a line without a reason; empty if nothing.
/// (A list may be empty: every difference gone.)
QString knownDifferencesProblem(const QString& name, int keyFields);

} // namespace fi::test
