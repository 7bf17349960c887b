#include "TestPaths.h"

#include <QDir>
#include <QFileInfo>

namespace fi::test {

QString sourceDir()
{
    return QStringLiteral(FLOWINSPECTOR_SOURCE_DIR);
}

QString sharedDir()
{
    const QString env = qEnvironmentVariable("FLOWINSPECTOR_SHARED");
    const QString dir = env.isEmpty() ? sourceDir() + QStringLiteral("/../shared") : env;
    return QFileInfo(dir + QStringLiteral("/spec/TRACEFLOW.md")).exists()
               ? QDir(dir).canonicalPath()
               : QString();
}

QString cliPath()
{
    return QStringLiteral(FLOWINSPECTOR_CLI);
}

} // namespace fi::test
