#include "KnownDifferences.h"

#include "TestPaths.h"

#include <QFile>
#include <QStringList>

namespace fi::test {

QMap<QString, QString> knownDifferences(const QString& name, int keyFields)
{
    QMap<QString, QString> out;
    QFile file(sourceDir() + QStringLiteral("/tests/conformance/") + name);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return out;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QStringList fields = line.split('|');
        for (QString& f : fields)
            f = f.trimmed();
        if (fields.size() != keyFields + 1) {
            out.insert(line, QString());
            continue;
        }
        const QString reason = fields.takeLast();
        out.insert(fields.join(QStringLiteral(" | ")), reason);
    }
    return out;
}

} // namespace fi::test
