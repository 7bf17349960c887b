#include "RunProcess.h"

#include <QProcess>
#include <QTest>

namespace fi::test {

ProcessResult runProcess(const QString& program, const QStringList& args,
                         const QProcessEnvironment& env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        QTest::qFail(qPrintable(program + ' ' + args.join(' ') + QStringLiteral(" did not finish in %1 s").arg(timeoutMs / 1000)),
                     __FILE__, __LINE__);
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace fi::test
