// flowinspector: the desktop application.

#include "CaptureLoader.h"
#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include <cstdio>

int main(int argc, char** argv)
{
    // --version and --help are answered before QApplication exists, so that they work
    // without a display (a package's post-install check, a man page generator, a terminal).
    QCoreApplication::setOrganizationName(QStringLiteral("FlowInspector"));
    QCoreApplication::setApplicationName(QStringLiteral("FlowInspector"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLOWINSPECTOR_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A TCP flow inspector for pcap and pcapng captures."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption quitAfterLoad(
        QStringLiteral("quit-after-load"),
        QStringLiteral("Quit when the captures given have loaded: exit status 0 if they loaded "
                       "completely, 1 if not (for automation and install checks)."));
    parser.addOption(quitAfterLoad);
    parser.addPositionalArgument(QStringLiteral("capture"),
                                 QStringLiteral("A capture to open (several: one capture set, merged in time order)."),
                                 QStringLiteral("[CAPTURE...]"));
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    // A parse that fails here (Qt's own options such as -platform are QApplication's) is
    // parsed again, and reported, by process() below.
    const bool parsed = parser.parse(arguments);
    if (parsed && parser.isSet(version)) {
        std::printf("flowinspector %s\n", FLOWINSPECTOR_VERSION);
        return 0;
    }
    if (parsed && parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText().replace(QStringLiteral("<executable_name>"),
                                                         QStringLiteral("flowinspector"))),
                   stdout);
        return 0;
    }

    QApplication app(argc, argv);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/flowinspector.svg")));
    parser.process(app); // unknown options: the message and exit status 1, as before

    const QStringList captures = parser.positionalArguments();
    if (parser.isSet(quitAfterLoad) && captures.isEmpty()) {
        std::fputs("flowinspector: --quit-after-load needs a capture\n", stderr);
        return 2;
    }
    MainWindow window;
    if (parser.isSet(quitAfterLoad)) // queued: a capture that fails at once fails inside exec()
        QObject::connect(&window, &MainWindow::loadFinished, &app, [](const LoadResult& result) {
            const bool complete = result.summary.end == fi::TraceSummary::End::Complete;
            if (!complete)
                std::fprintf(stderr, "flowinspector: %s: not loaded completely: %s\n",
                             qPrintable(result.path), result.summary.message.c_str());
            QCoreApplication::exit(complete ? 0 : 1);
        }, Qt::QueuedConnection);
    window.show();
    if (!captures.isEmpty())
        window.openCaptures(captures);
    return app.exec();
}
