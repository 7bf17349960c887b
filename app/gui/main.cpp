// flowinspector: the desktop application.

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("FlowInspector"));
    QApplication::setApplicationName(QStringLiteral("FlowInspector"));
    QApplication::setApplicationVersion(QStringLiteral(FLOWINSPECTOR_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/flowinspector.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A TCP flow inspector for pcap and pcapng captures."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("capture"),
                                 QStringLiteral("A capture to open (several: one capture set, merged in time order)."),
                                 QStringLiteral("[CAPTURE...]"));
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openCaptures(parser.positionalArguments());
    return app.exec();
}
