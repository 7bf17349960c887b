#pragma once

#include "CaptureStore.h"
#include "LayerTree.h"

#include <QByteArray>
#include <QObject>
#include <QString>

/// Reads one frame again from its capture file by its stored position and decodes it into
/// its layer tree, on a worker thread; the answer to the latest request only is delivered.
class FrameInspector final : public QObject
{
    Q_OBJECT

public:
    explicit FrameInspector(QObject* parent = nullptr);

    /// Asks for frame `number` of the capture described by `store` (its path, link type,
    /// format and the frame's record are copied: the store may change meanwhile).
    void request(const fi::CaptureStore& store, uint32_t number);
    /// Forgets the pending request.
    void cancel() { ++m_request; }

signals:
    void frameReady(uint32_t number, const QByteArray& bytes, const fi::LayerTree& tree);
    void frameFailed(uint32_t number, const QString& reason);

private:
    quint64 m_request = 0;
};
