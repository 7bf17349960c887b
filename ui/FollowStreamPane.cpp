#include "FollowStreamPane.h"

#include "CaptureStore.h"
#include "StreamView.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using fi::FollowStream;

namespace {

QString endpoint(const fi::IpAddress& address, uint16_t port)
{
    return QString::fromStdString(address.endpointText(port));
}

} // namespace

FollowStreamPane::FollowStreamPane(QWidget* parent) : QWidget(parent)
{
    m_header = new QLabel(tr("Select a flow to follow its connection."), this);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_direction = new QComboBox(this);
    m_direction->setAccessibleName(tr("Directions shown"));
    m_direction->addItem(tr("Both directions"), int(StreamDocument::Shown::Both));
    m_direction->addItem(QString(), int(StreamDocument::Shown::Forward));
    m_direction->addItem(QString(), int(StreamDocument::Shown::Backward));
    m_format = new QComboBox(this);
    m_format->setAccessibleName(tr("Show as"));
    m_format->addItem(tr("ASCII"), int(StreamDocument::Format::Ascii));
    m_format->addItem(tr("Hex dump"), int(StreamDocument::Format::Hex));
    m_format->addItem(tr("UTF-8"), int(StreamDocument::Format::Utf8));
    auto* choices = new QHBoxLayout;
    choices->addWidget(m_direction, 1);
    choices->addWidget(m_format);

    m_findEdit = new QLineEdit(this);
    m_findEdit->setPlaceholderText(tr("Find text"));
    m_findEdit->setAccessibleName(tr("Find text"));
    m_findEdit->setClearButtonEnabled(true);
    m_findButton = new QPushButton(tr("Find Next"), this);
    m_saveButton = new QPushButton(tr("Save As…"), this);
    m_saveButton->setToolTip(tr("Save the bytes shown, as sent (bytes never captured left out)"));
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_findEdit, 1);
    tools->addWidget(m_findButton);
    tools->addWidget(m_saveButton);

    m_view = new StreamView(this);
    m_view->setAccessibleName(tr("Stream"));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_header);
    layout->addLayout(choices);
    layout->addWidget(m_view, 1);
    layout->addLayout(tools);
    layout->addWidget(m_status);

    connect(m_view, &StreamView::frameClicked, this, &FollowStreamPane::frameClicked);
    connect(m_direction, &QComboBox::currentIndexChanged, this, [this] { startLayout(document() ? document()->stream() : nullptr, nullptr); });
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] { startLayout(document() ? document()->stream() : nullptr, nullptr); });
    connect(m_findEdit, &QLineEdit::returnPressed, this, [this] { find(true); });
    connect(m_findButton, &QPushButton::clicked, this, [this] { find(true); });
    connect(m_saveButton, &QPushButton::clicked, this, &FollowStreamPane::askWhereToSave);
    connect(&m_build, &QFutureWatcher<Built>::finished, this, &FollowStreamPane::onBuilt);
    connect(&m_find, &QFutureWatcher<std::optional<StreamDocument::Match>>::finished, this, [this] {
        const std::optional<StreamDocument::Match> match = m_find.result();
        if (match)
            m_view->showMatch(*match);
        m_status->setText(match ? QString() : tr("“%1” is not in the stream shown.").arg(m_findEdit->text()));
        emit findFinished(match.has_value());
    });
    connect(&m_save, &QFutureWatcher<QString>::finished, this, [this] {
        const QString error = m_save.result();
        const QString path = m_save.property("path").toString();
        m_status->setText(error.isEmpty() ? tr("Saved %1.").arg(QDir::toNativeSeparators(path))
                                          : tr("Could not save: %1").arg(error));
        m_saveButton->setEnabled(true);
        emit saveFinished(path, error);
    });
    m_saveButton->setEnabled(false);
    m_findButton->setEnabled(false);
}

FollowStreamPane::~FollowStreamPane()
{
    if (m_cancel)
        *m_cancel = true;
    // a job holds copies of what it reads: nothing to wait for but the jobs themselves
    m_build.waitForFinished();
    m_find.waitForFinished();
    m_save.waitForFinished();
}

bool FollowStreamPane::isBusy() const
{
    return m_build.isRunning();
}

std::shared_ptr<const StreamDocument> FollowStreamPane::document() const
{
    return m_view->document();
}

StreamDocument::Format FollowStreamPane::chosenFormat() const
{
    return StreamDocument::Format(m_format->currentData().toInt());
}

StreamDocument::Shown FollowStreamPane::chosenDirections() const
{
    return StreamDocument::Shown(m_direction->currentData().toInt());
}

void FollowStreamPane::setFormat(StreamDocument::Format format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

void FollowStreamPane::setShown(StreamDocument::Shown shown)
{
    m_direction->setCurrentIndex(m_direction->findData(int(shown)));
}

void FollowStreamPane::clear()
{
    if (m_cancel)
        *m_cancel = true;
    m_build.setFuture(QFuture<Built>());
    m_flow.reset();
    m_view->setDocument(nullptr);
    m_header->setText(tr("Select a flow to follow its connection."));
    m_status->clear();
    m_saveButton->setEnabled(false);
    m_findButton->setEnabled(false);
}

void FollowStreamPane::follow(const fi::CaptureStore& store, uint32_t flow)
{
    if (m_flow && *m_flow == flow)
        return;
    m_flow = flow;
    FollowStream::Input input = FollowStream::input(store, flow);
    m_endpoints[0] = endpoint(input.id.src, input.id.srcport);
    m_endpoints[1] = endpoint(input.id.dst, input.id.dstport);
    m_sent[0] = input.payloadBytes[0];
    m_sent[1] = input.payloadBytes[1];
    m_captureName = QFileInfo(QString::fromStdString(store.path)).completeBaseName();
    const QLocale locale;
    m_direction->setItemText(1, tr("%1 → %2 (%3 bytes)").arg(m_endpoints[0], m_endpoints[1], locale.toString(qulonglong(m_sent[0]))));
    m_direction->setItemText(2, tr("%1 → %2 (%3 bytes)").arg(m_endpoints[1], m_endpoints[0], locale.toString(qulonglong(m_sent[1]))));
    m_header->setText(tr("Reading the %n frame(s) of %1 ⇄ %2…", nullptr, int(input.frames.size()))
                          .arg(m_endpoints[0], m_endpoints[1]));
    m_view->setDocument(nullptr);
    startLayout(nullptr, &input);
}

void FollowStreamPane::startLayout(std::shared_ptr<const FollowStream> stream, const FollowStream::Input* input)
{
    if (!stream && !input)
        return; // nothing followed yet
    if (m_cancel)
        *m_cancel = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_saveButton->setEnabled(false);
    m_findButton->setEnabled(false);
    if (stream)
        m_status->setText(tr("Laying out…"));
    const StreamDocument::Format format = chosenFormat();
    const StreamDocument::Shown shown = chosenDirections();
    auto job = [stream, in = input ? std::make_shared<FollowStream::Input>(*input) : nullptr, format, shown,
                cancel = m_cancel]() -> Built {
        Built built;
        built.stream = stream;
        if (!built.stream) {
            auto followed = std::make_shared<FollowStream>();
            std::string error;
            if (!followed->build(*in, error, cancel.get())) {
                built.error = QString::fromStdString(error);
                return built;
            }
            built.stream = std::move(followed);
        }
        built.document = std::make_shared<StreamDocument>(built.stream, format, shown, cancel.get());
        return built;
    };
    m_build.setFuture(QtConcurrent::run(std::move(job)));
}

void FollowStreamPane::onBuilt()
{
    if (m_build.future().resultCount() == 0 || (m_cancel && *m_cancel))
        return; // superseded
    const Built built = m_build.result();
    if (!built.document) {
        m_header->setText(tr("Cannot follow %1 ⇄ %2: %3").arg(m_endpoints[0], m_endpoints[1], built.error));
        return;
    }
    m_view->setDocument(built.document);
    showSummary();
    m_status->clear();
    m_saveButton->setEnabled(built.document->shownBytes() > 0);
    m_findButton->setEnabled(built.document->lineCount() > 0);
    emit ready();
}

void FollowStreamPane::showSummary()
{
    const std::shared_ptr<const StreamDocument> doc = document();
    const QLocale locale;
    const FollowStream& stream = *doc->stream();
    QString text = tr("%1 → %2: %3 bytes; %2 → %1: %4 bytes")
                       .arg(m_endpoints[0], m_endpoints[1],
                            locale.toString(qulonglong(stream.bytes(0).size())),
                            locale.toString(qulonglong(stream.bytes(1).size())));
    const uint64_t missing = stream.direction(0).missingBytes() + stream.direction(1).missingBytes();
    if (missing > 0)
        text += tr("; %1 bytes never captured").arg(locale.toString(qulonglong(missing)));
    const uint64_t again = stream.direction(0).duplicateBytes() + stream.direction(1).duplicateBytes();
    if (again > 0)
        text += tr("; %1 bytes sent again (shown once)").arg(locale.toString(qulonglong(again)));
    m_header->setText(text);
}

void FollowStreamPane::find(bool forward)
{
    const std::shared_ptr<const StreamDocument> doc = document();
    const QByteArray needle = m_findEdit->text().toUtf8();
    if (!doc || needle.isEmpty())
        return;
    const size_t from = m_view->currentLine().value_or(SIZE_MAX);
    m_find.setFuture(QtConcurrent::run([doc, needle, from, forward] { return doc->find(needle, from, forward); }));
}

void FollowStreamPane::askWhereToSave()
{
    const QString suggested = m_captureName + QStringLiteral("-stream.bin");
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Stream"), suggested);
    if (!path.isEmpty())
        saveTo(path);
}

void FollowStreamPane::saveTo(const QString& path)
{
    const std::shared_ptr<const StreamDocument> doc = document();
    if (!doc)
        return;
    m_saveButton->setEnabled(false);
    m_status->setText(tr("Saving…"));
    m_save.setProperty("path", path);
    m_save.setFuture(QtConcurrent::run([doc, path]() -> QString {
        QSaveFile file(path); // the file there is replaced only once all is written
        if (!file.open(QIODevice::WriteOnly))
            return file.errorString();
        if (!doc->writeBytes(file)) {
            const QString error = file.errorString();
            file.cancelWriting();
            return error;
        }
        return file.commit() ? QString() : file.errorString();
    }));
}
