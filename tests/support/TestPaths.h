#pragma once

#include <QString>

namespace fi::test {

/// `../shared` beside the source tree, or an empty string when it is absent (a user's clone).
QString sharedDir();
/// The built flowinspector-cli.
QString cliPath();
/// The project's source directory.
QString sourceDir();
/// A directory that cannot be written to, made inside `parent`. Permissions do not stop root,
/// and CI runs as root: there it is /proc, the directory nobody can write to.
QString unwritableDirectory(const QString& parent);

} // namespace fi::test

/// Skips the current test with a message when ../shared is not present.
#define FI_REQUIRE_SHARED()                                                                      \
    do {                                                                                         \
        if (fi::test::sharedDir().isEmpty())                                                     \
            QSKIP("../shared is not present beside the source tree: conformance data skipped"); \
    } while (false)
