// fi-filter-benchmark [CAPTURE]: how long a filter change takes on the GUI thread with a
// quarter of a million flows: 250,000 made-up flows (IPv4 and IPv6, labels as pcapkit writes
// them), or the flows of CAPTURE loaded as the desktop application loads them. For each filter
// it prints the parse, one FlowFilter pass over every flow (the core alone), and the table's
// setFilterText with a tree view attached (what a keystroke costs after the debounce),
// unsorted, sorted by bytes and sorted by label, and the slowest clearing of a filter; then
// the slowest step of typing a filter character by character.

#include "CaptureLoader.h"
#include "FlowFilter.h"
#include "FlowTableModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTreeView>

#include <algorithm>
#include <cstdio>

using namespace fi;

namespace {

/// 250,000 flows: 10.x.y.z or 2001:db8::x:y to servers on a few ports, a flow every 40 us.
LoadBatch madeUpFlows()
{
    QRandomGenerator random(7);
    LoadBatch batch;
    constexpr uint16_t kServerPorts[] = {80, 443, 22, 53, 8080, 993};
    for (uint32_t f = 0; f < 250'000; ++f) {
        BufferID id;
        if (f % 5 == 4) {
            uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
            uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
            a[14] = uint8_t(f >> 8);
            a[15] = uint8_t(f);
            b[15] = uint8_t(f % 7);
            id.src = IpAddress::v6(a);
            id.dst = IpAddress::v6(b);
        } else {
            const uint8_t a[4] = {10, uint8_t(f >> 16), uint8_t(f >> 8), uint8_t(f)};
            const uint8_t b[4] = {192, 168, uint8_t(f % 3), uint8_t(1 + f % 50)};
            id.src = IpAddress::v4(a);
            id.dst = IpAddress::v4(b);
        }
        id.srcport = uint16_t(1024 + random.bounded(64000));
        id.dstport = kServerPorts[random.bounded(6)];
        const int64_t firstNs = 1'700'000'000'000'000'000 + int64_t(f) * 40'000;
        batch.newFlows.push_back({id, firstNs});
        FlowStats stats;
        stats.packets = 1 + random.bounded(2000);
        stats.bytes = stats.packets * uint64_t(60 + random.bounded(1400));
        stats.firstNs = firstNs;
        stats.lastNs = firstNs + int64_t(random.bounded(10'000'000)) * 1000;
        stats.syn = 1;
        stats.fin = random.bounded(3) == 0 ? 0 : 1;
        stats.rst = random.bounded(20) == 0 ? 1 : 0;
        stats.closedByFin = stats.fin > 0;
        batch.updates.push_back({f, stats});
    }
    return batch;
}

bool loadCapture(QApplication& app, FlowTableModel& model, const QString& path)
{
    CaptureLoader loader;
    QObject::connect(&loader, &CaptureLoader::started, &model,
                     [&](const QString& p) { model.reset(p); });
    QObject::connect(&loader, &CaptureLoader::batchReady, &model,
                     [&](const std::shared_ptr<const LoadBatch>& batch) { model.applyBatch(*batch); });
    QObject::connect(&loader, &CaptureLoader::finished, &app, [&](const LoadResult&) { app.quit(); });
    QObject::connect(&loader, &CaptureLoader::failed, &app, [&](const QString&, const QString& reason) {
        std::fprintf(stderr, "fi-filter-benchmark: %s\n", qPrintable(reason));
        app.exit(1);
    });
    loader.load(path);
    return app.exec() == 0;
}

double msSince(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    FlowTableModel model;
    QElapsedTimer clock;
    clock.start();
    if (argc > 1) {
        if (!loadCapture(app, model, QString::fromLocal8Bit(argv[1])))
            return 1;
    } else {
        model.reset("made-up.pcap", fi::CaptureLayout::ofFile("made-up.pcap", false, 1, 65535));
        model.applyBatch(madeUpFlows());
    }
    const CaptureStore& store = model.store();
    std::printf("%zu flows (%s in %.0f ms)\n", store.flows.size(), argc > 1 ? argv[1] : "made up", msSince(clock));

    FlowTableModel& proxy = model; // the table filters and sorts itself
    QTreeView view;
    view.setModel(&model);
    view.setUniformRowHeights(true);
    view.resize(1000, 600);
    view.show();
    QApplication::processEvents();

    const char* filters[] = {
        "10.1.2",
        "443",
        "host 10.1.2.3",
        "net 10.1.0.0/16 and port 80",
        "ip.addr == 2001:db8::/32 and not closed",
        "2001:db8::1",
        "db8:1::3",
        "tcp.port == 443 or tcp.port == 80",
        "bytes > 1M",
        "duration > 2 and packets >= 100",
        "label contains \"_443-\"",
        "closed",
        "",
    };
    std::printf("%-42s %10s %10s %8s %12s %12s\n", "filter", "parse ms", "core ms", "shown", "table ms", "sorted ms");
    for (int sortColumn : {-1, int(FlowTableModel::Bytes), int(FlowTableModel::Label)}) {
        const bool sorted = sortColumn >= 0;
        if (sorted) {
            clock.restart();
            proxy.sort(sortColumn, Qt::DescendingOrder);
            while (proxy.isSorting()) // on a worker thread
                QApplication::processEvents(QEventLoop::WaitForMoreEvents);
            std::printf("sorting by %s: %.1f ms\n", FlowColumns::title(FlowColumns::Column(sortColumn)), msSince(clock));
        }
        double slowestClear = 0;
        for (const char* text : filters) {
            clock.restart();
            const std::optional<FlowFilter> filter = FlowFilter::parse(text);
            const double parseMs = msSince(clock);
            clock.restart();
            size_t kept = 0;
            for (const FlowRecord& flow : store.flows)
                kept += filter->matches(flow, store.startNs());
            const double coreMs = msSince(clock);
            clock.restart();
            proxy.setFilterText(QString()); // every filter change starts from every flow shown
            QApplication::processEvents();
            slowestClear = std::max(slowestClear, msSince(clock));
            clock.restart();
            proxy.setFilterText(QString::fromUtf8(text));
            QApplication::processEvents(); // the view's relayout
            const double proxyMs = msSince(clock);
            if (!sorted)
                std::printf("%-42s %10.3f %10.1f %8zu %12.1f\n", text, parseMs, coreMs, kept, proxyMs);
            else
                std::printf("%-42s %10.3f %10.1f %8zu %12s %12.1f\n", text, parseMs, coreMs, kept, "", proxyMs);
        }
        std::printf("slowest clearing of a filter: %.1f ms\n", slowestClear);
    }

    // Typing, as if the debounce fired after every character: each step parses, and the steps
    // that parse refilter.
    const QString typed = QStringLiteral("host 10.1.2.3 and port 443");
    double slowest = 0;
    QString slowestText;
    proxy.setFilterText(QString());
    QApplication::processEvents();
    for (qsizetype n = 1; n <= typed.size(); ++n) {
        clock.restart();
        proxy.setFilterText(typed.left(n));
        QApplication::processEvents();
        if (msSince(clock) > slowest) {
            slowest = msSince(clock);
            slowestText = typed.left(n);
        }
    }
    std::printf("typing '%s' (sorted): slowest step %.1f ms at '%s'\n", qPrintable(typed), slowest, qPrintable(slowestText));
    return 0;
}
