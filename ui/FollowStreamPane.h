#pragma once

#include "StreamDocument.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

namespace fi {
struct CaptureStore;
}
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class StreamView;

/// Follow Stream: what a TCP connection carried, both directions interleaved in the order sent
/// (or one direction), as ASCII, a hex dump or UTF-8 text; find text; save the bytes shown.
/// Clicking a line reports the frame that carried it.
///
/// The GUI thread only takes the connection's frame list from the store (FollowStream::input);
/// reading the frames, reassembling and laying out lines (StreamDocument), finding and saving
/// run on worker threads, and a newer request supersedes an older one (cancelled, its result
/// dropped). The view lays out only the lines in sight.
class FollowStreamPane final : public QWidget
{
    Q_OBJECT

public:
    explicit FollowStreamPane(QWidget* parent = nullptr);
    ~FollowStreamPane() override;

    /// Follows the connection of flow `flow` of `store` (nothing new if it is followed already).
    void follow(const fi::CaptureStore& store, uint32_t flow);
    /// Shows nothing (a new capture).
    void clear();
    /// The flow whose connection is followed; nullopt when none.
    std::optional<uint32_t> followedFlow() const { return m_flow; }
    /// Whether a follow or a layout is under way.
    bool isBusy() const;
    std::shared_ptr<const StreamDocument> document() const;

    void setFormat(StreamDocument::Format format);
    void setShown(StreamDocument::Shown shown);
    /// Finds the find box's text after (or before) the current line, wrapping around.
    void find(bool forward = true);
    /// Writes the bytes shown to `path` (replacing it only once all are written).
    void saveTo(const QString& path);

    StreamView* view() const { return m_view; }
    QComboBox* formatBox() const { return m_format; }
    QComboBox* directionBox() const { return m_direction; }
    QLineEdit* findEdit() const { return m_findEdit; }
    QLabel* statusLabel() const { return m_status; }

signals:
    void frameClicked(uint32_t frame);
    /// A followed connection (or a new layout of it) is shown.
    void ready();
    void findFinished(bool found);
    void saveFinished(const QString& path, const QString& error);

private:
    struct Built
    {
        std::shared_ptr<const fi::FollowStream> stream;
        std::shared_ptr<const StreamDocument> document;
        QString error;
    };

    void startLayout(std::shared_ptr<const fi::FollowStream> stream, const fi::FollowStream::Input* input);
    void onBuilt();
    void showSummary();
    void askWhereToSave();
    StreamDocument::Format chosenFormat() const;
    StreamDocument::Shown chosenDirections() const;

    QLabel* m_header;
    QComboBox* m_direction;
    QComboBox* m_format;
    QLineEdit* m_findEdit;
    QPushButton* m_findButton;
    QPushButton* m_saveButton;
    StreamView* m_view;
    QLabel* m_status;

    std::optional<uint32_t> m_flow;
    QString m_endpoints[2];   ///< "address:port" of each direction's sender
    uint64_t m_sent[2] = {0, 0};
    QString m_captureName;
    std::shared_ptr<std::atomic<bool>> m_cancel; ///< of the job under way
    QFutureWatcher<Built> m_build;
    QFutureWatcher<std::optional<StreamDocument::Match>> m_find;
    QFutureWatcher<QString> m_save;
};
