// The flowinspector executable: --version and --help without a display, the same version as
// flowinspector-cli; --quit-after-load (what the install test starts the installed one with).

#include "RunProcess.h"
#include "TestPaths.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace fi::test;

namespace {

/// No display at all: a QApplication made here fails (xcb cannot connect) and exits non-zero.
QProcessEnvironment noDisplay()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    return env;
}

QProcessEnvironment offscreen(const QTemporaryDir& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path()); // recent files: not the user's
    return env;
}

const QString gui = QStringLiteral(FLOWINSPECTOR_GUI);
const QString demo = sourceDir() + QStringLiteral("/resources/demo/demo.pcapng");

} // namespace

class TestApplication : public QObject
{
    Q_OBJECT

private slots:
    void versionWithoutDisplay()
    {
        const ProcessResult r = runProcess(gui, {QStringLiteral("--version")}, noDisplay());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, QByteArray("flowinspector " FLOWINSPECTOR_VERSION "\n"));
        const ProcessResult shortOption = runProcess(gui, {QStringLiteral("-v")}, noDisplay());
        QCOMPARE(shortOption.out, r.out);
    }

    void sameVersionAsCli()
    {
        const ProcessResult g = runProcess(gui, {QStringLiteral("--version")}, noDisplay());
        const ProcessResult c = runProcess(cliPath(), {QStringLiteral("--version")}, noDisplay());
        QCOMPARE(c.exitCode, 0);
        QCOMPARE(g.out.mid(g.out.indexOf(' ')), c.out.mid(c.out.indexOf(' ')));
    }

    void helpWithoutDisplay()
    {
        const ProcessResult r = runProcess(gui, {QStringLiteral("--help")}, noDisplay());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.startsWith("Usage: flowinspector [options] [CAPTURE...]"), r.out.constData());
        QVERIFY(r.out.contains("--quit-after-load"));
    }

    void quitAfterLoad()
    {
        QTemporaryDir home;
        const ProcessResult r = runProcess(gui, {QStringLiteral("--quit-after-load"), demo}, offscreen(home));
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void quitAfterLoadOfAMissingFile()
    {
        QTemporaryDir home;
        const ProcessResult r = runProcess(gui, {QStringLiteral("--quit-after-load"), home.filePath(QStringLiteral("none.pcap"))},
                             offscreen(home));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("none.pcap: not loaded completely"), r.err.constData());
    }

    void quitAfterLoadWithoutCapture()
    {
        QTemporaryDir home;
        const ProcessResult r = runProcess(gui, {QStringLiteral("--quit-after-load")}, offscreen(home));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--quit-after-load needs a capture"));
    }

    void unknownOption()
    {
        QTemporaryDir home;
        const ProcessResult r = runProcess(gui, {QStringLiteral("--no-such-option")}, offscreen(home));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no-such-option"));
    }
};

QTEST_GUILESS_MAIN(TestApplication)
#include "tst_application.moc"
