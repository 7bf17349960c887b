#pragma once

#include "Waits.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace fi::test {

/// What a program run to its end gave: its exit code (-1 when it crashed or was killed after
/// the time allowed), its standard output and error.
struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs `program` with `args` in `env` and waits for it, at most `timeoutMs`: a program still
/// running then is killed and fails the test, saying so.
ProcessResult runProcess(const QString& program, const QStringList& args,
                         const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
                         int timeoutMs = kWorkerTimeoutMs);

} // namespace fi::test
