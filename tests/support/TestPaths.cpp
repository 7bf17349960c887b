#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <unistd.h>

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

QString unwritableDirectory(const QString& parent)
{
    if (::geteuid() == 0)
        return QStringLiteral("/proc");
    const QString dir = parent + QStringLiteral("/read-only");
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
    return dir;
}

QString cliPath()
{
    return QStringLiteral(FLOWINSPECTOR_CLI);
}

} // namespace fi::test
