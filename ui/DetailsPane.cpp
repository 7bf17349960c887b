#include "DetailsPane.h"

#include "ConversationModel.h"
#include "FieldTreeModel.h"
#include "FlowTableModel.h"
#include "HexView.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTextBrowser>
#include <QTimeZone>
#include <QTreeView>
#include <QVBoxLayout>

using namespace fi;

DetailsPane::DetailsPane(QWidget* parent) : QStackedWidget(parent)
{
    setAccessibleName(tr("Details"));
    m_hint = new QLabel(tr("Select a flow to see its summary,\nor a frame to see its headers and bytes."), this);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setEnabled(false);
    addWidget(m_hint);

    m_flowSummary = new QTextBrowser(this);
    m_flowSummary->setAccessibleName(tr("Flow summary"));
    m_flowSummary->setOpenLinks(false);
    addWidget(m_flowSummary);

    auto* framePage = new QWidget(this);
    auto* layout = new QVBoxLayout(framePage);
    layout->setContentsMargins(0, 0, 0, 0);
    m_frameTitle = new QLabel(framePage);
    m_frameTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_frameTitle->setWordWrap(true); // (why a frame cannot be read can be long: it never widens the window)
    layout->addWidget(m_frameTitle);
    m_frameSplitter = new QSplitter(Qt::Vertical, framePage);
    m_frameSplitter->setObjectName(QStringLiteral("frameSplitter"));
    m_fieldModel = new FieldTreeModel(this);
    m_fieldView = new QTreeView(m_frameSplitter);
    m_fieldView->setObjectName(QStringLiteral("frameDetails"));
    m_fieldView->setAccessibleName(tr("Frame details"));
    m_fieldView->setModel(m_fieldModel);
    m_fieldView->setUniformRowHeights(true);
    m_fieldView->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_fieldView->setColumnWidth(0, 220);
    m_hexView = new HexView(m_frameSplitter);
    m_frameSplitter->addWidget(m_fieldView);
    m_frameSplitter->addWidget(m_hexView);
    m_frameSplitter->setStretchFactor(0, 3);
    m_frameSplitter->setStretchFactor(1, 2);
    layout->addWidget(m_frameSplitter, 1);
    addWidget(framePage);

    connect(m_fieldView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { highlightField(current); });
    connect(m_hexView, &HexView::byteClicked, this, [this](int offset) {
        const QModelIndex field = m_fieldModel->indexAtByte(offset); // the innermost field
        if (field.isValid()) {
            m_fieldView->scrollTo(field);
            m_fieldView->setCurrentIndex(field);
        }
    });
    showNothing();
}

void DetailsPane::showNothing()
{
    m_fieldModel->clear();
    m_hexView->clear();
    setCurrentWidget(m_hint);
}

void DetailsPane::showFlow(const FlowTableModel& model, uint32_t flow)
{
    const CaptureStore& store = model.store();
    const FlowRecord& f = store.flows[flow];
    const FlowStats& s = f.stats;
    auto time = [](int64_t ns) {
        return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, QTimeZone::utc())
                   .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) +
               QStringLiteral(" UTC (%1)").arg(QString::fromStdString(Timestamp::fromNanoseconds(ns).labelText()));
    };
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing='4'>").arg(QString::fromStdString(f.label()).toHtmlEscaped());
    auto row = [&html](const QString& name, const QString& value) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value.toHtmlEscaped());
    };
    const QModelIndex flowRow = model.flowIndex(flow);
    for (int c = FlowTableModel::Label + 1; c < FlowTableModel::ColumnCount; ++c) {
        const auto column = FlowColumns::Column(c);
        row(model.headerData(c, Qt::Horizontal).toString(), flowRow.siblingAtColumn(c).data().toString());
        if (column == FlowColumns::Start) {
            row(tr("First frame"), time(s.firstNs));
            row(tr("Last frame"), time(s.lastNs));
        }
    }
    if (f.packetCount > 0)
        row(tr("Frames"), tr("%1 to %2").arg(store.packets[f.firstPacket].frame).arg(store.packets[f.lastPacket].frame));
    html += QStringLiteral("</table>");
    m_flowSummary->setHtml(html);
    setCurrentWidget(m_flowSummary);
}

void DetailsPane::showConversation(const ConversationModel& model, const QModelIndex& conversation)
{
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing='4'>")
                       .arg(conversation.siblingAtColumn(ConversationModel::Conversation).data().toString().toHtmlEscaped());
    auto row = [&html](const QString& name, const QString& value) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value);
    };
    for (int c = ConversationModel::Conversation + 1; c < ConversationModel::ColumnCount; ++c)
        row(model.headerData(c, Qt::Horizontal).toString().toHtmlEscaped(),
            conversation.siblingAtColumn(c).data().toString().toHtmlEscaped());
    QStringList labels;
    for (int r = 0; r < model.rowCount(conversation); ++r)
        labels << model.index(r, ConversationModel::Conversation, conversation).data().toString().toHtmlEscaped();
    row(tr("Its flows"), labels.join(QStringLiteral("<br>")));
    html += QStringLiteral("</table>");
    m_flowSummary->setHtml(html);
    setCurrentWidget(m_flowSummary);
}

void DetailsPane::showFrameLoading(uint32_t number)
{
    m_frameTitle->setText(tr("Frame %1: reading…").arg(number));
    setCurrentWidget(m_frameSplitter->parentWidget());
}

void DetailsPane::showFrame(uint32_t number, const QByteArray& bytes, const LayerTree& tree)
{
    m_frameTitle->setText(tr("Frame %1: %2 bytes captured, %3")
                              .arg(number)
                              .arg(bytes.size())
                              .arg(QString::fromStdString(tree.protocols)));
    m_fieldModel->setLayerTree(tree);
    m_fieldView->expandAll();
    m_hexView->setBytes(bytes);
    setCurrentWidget(m_frameSplitter->parentWidget());
}

void DetailsPane::showFrameError(uint32_t number, const QString& reason)
{
    m_fieldModel->clear();
    m_hexView->clear();
    m_frameTitle->setText(tr("Frame %1 cannot be read: %2").arg(number).arg(reason));
    setCurrentWidget(m_frameSplitter->parentWidget());
}

void DetailsPane::highlightField(const QModelIndex& index)
{
    if (!index.isValid()) {
        m_hexView->setHighlight(0, 0);
        return;
    }
    const QModelIndex field = index.siblingAtColumn(0);
    m_hexView->setHighlight(field.data(FieldTreeModel::ByteOffsetRole).toInt(),
                            field.data(FieldTreeModel::ByteLengthRole).toInt());
}
