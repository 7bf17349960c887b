#include "FrameInspector.h"

#include "FrameSource.h"
#include "PayloadLayer.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace {

struct InspectedFrame
{
    QByteArray bytes;
    fi::LayerTree tree;
    QString error;
};

InspectedFrame inspect(const fi::CaptureLayout& layout, fi::FrameRecord record)
{
    InspectedFrame out;
    fi::FrameSource source;
    std::vector<uint8_t> bytes;
    fi::FrameView frame;
    frame.record = record;
    if (!source.open(layout) || !source.read(frame, bytes)) {
        const std::string& path = source.pathOf(record);
        out.error = QString::fromStdString((path.empty() ? std::string() : path + ": ") + source.errorString());
        return out;
    }
    out.tree = fi::decodeLayers(frame.linkType, bytes.data(), bytes.size(), record.originalLength);
    fi::addPayloadLayer(out.tree, frame.linkType, bytes.data(), bytes.size(), record.originalLength);
    out.bytes = QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
    return out;
}

} // namespace

FrameInspector::FrameInspector(QObject* parent) : QObject(parent) {}

void FrameInspector::request(const fi::CaptureStore& store, uint32_t number)
{
    const quint64 id = ++m_request;
    if (number == 0 || number > store.frames.size()) {
        emit frameFailed(number, tr("no frame %1 in this capture").arg(number));
        return;
    }
    auto* watcher = new QFutureWatcher<InspectedFrame>(this);
    connect(watcher, &QFutureWatcher<InspectedFrame>::finished, this, [this, watcher, id, number] {
        watcher->deleteLater();
        if (id != m_request)
            return; // a newer request superseded this one
        const InspectedFrame result = watcher->result();
        if (!result.error.isEmpty())
            emit frameFailed(number, result.error);
        else
            emit frameReady(number, result.bytes, result.tree);
    });
    watcher->setFuture(QtConcurrent::run(inspect, store.layout, store.frame(number)));
}
