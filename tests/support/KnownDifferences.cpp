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

QString knownDifferencesProblem(const QString& name, int keyFields)
{
    if (!QFile::exists(sourceDir() + QStringLiteral("/tests/conformance/") + name))
        return "tests/conformance/" + name + " is missing";
    const QMap<QString, QString> known = knownDifferences(name, keyFields);
    for (auto it = known.begin(); it != known.end(); ++it)
        if (it.value().isEmpty())
            return "no reason given in tests/conformance/" + name + ": " + it.key();
    return {};
}

} // namespace fi::test
