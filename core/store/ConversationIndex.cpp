#include "ConversationIndex.h"

#include <algorithm>
#include <cstring>

namespace fi {

namespace {

uint8_t firstFlags(const CaptureStore& store, uint32_t flow)
{
    const FlowPacket* first = store.firstPacketOf(flow);
    return first ? first->flags : 0;
}

bool isSyn(uint8_t flags)
{
    return (flags & (TcpFlag::SYN | TcpFlag::ACK)) == TcpFlag::SYN;
}

bool isSynAck(uint8_t flags)
{
    return (flags & (TcpFlag::SYN | TcpFlag::ACK)) == (TcpFlag::SYN | TcpFlag::ACK);
}

} // namespace

bool ConversationIndex::Sides::startsNew(const FlowRecord& flow, uint8_t flags, const BufferID& key) const
{
    return isSyn(flags) || (isSynAck(flags) && seen[flow.id == key ? 0 : 1]);
}

std::vector<uint32_t> ConversationIndex::connection(const CaptureStore& store, uint32_t flow)
{
    const BufferID k = store.flows[flow].id.connectionKey();
    std::vector<uint32_t> group;
    Sides sides;
    for (uint32_t f = 0; f < store.flows.size(); ++f) {
        const FlowRecord& record = store.flows[f];
        if (!(record.id.connectionKey() == k))
            continue;
        if (sides.startsNew(record, firstFlags(store, f), k)) {
            if (f > flow && !group.empty())
                break; // the conversation of `flow` ends here
            group.clear();
            sides = Sides();
        }
        sides.take(record, k);
        group.push_back(f);
    }
    return group;
}

void ConversationIndex::clear()
{
    m_conversations.clear();
    m_conversationOfFlow.clear();
    m_nextFlow.clear();
    m_slots.clear();
    m_tuples = 0;
}

size_t ConversationIndex::slotOf(const CaptureStore& store, const BufferID& k, uint32_t hash) const
{
    const size_t mask = m_slots.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const Slot& s = m_slots[slot];
        if (s.conversation == kNone || (s.hash == hash && keyOf(store, s.conversation) == k))
            return slot;
    }
}

void ConversationIndex::grow()
{
    std::vector<Slot> old(std::max<size_t>(1024, m_slots.size() * 2));
    old.swap(m_slots);
    const size_t mask = m_slots.size() - 1;
    for (const Slot& s : old)
        if (s.conversation != kNone) { // (4-tuples are unique: the first empty slot is its)
            size_t slot = s.hash & mask;
            while (m_slots[slot].conversation != kNone)
                slot = (slot + 1) & mask;
            m_slots[slot] = s;
        }
}

void ConversationIndex::update(const CaptureStore& store)
{
    for (uint32_t flow = flowsTaken(); flow < store.flows.size(); ++flow) {
        const FlowRecord& record = store.flows[flow];
        const BufferID k = record.id.connectionKey();
        if ((m_tuples + 1) * 2 > m_slots.size())
            grow();
        const uint32_t hash = uint32_t(k.hash());
        Slot& slot = m_slots[slotOf(store, k, hash)];
        if (slot.conversation == kNone)
            ++m_tuples;
        const uint8_t first = firstFlags(store, flow);
        if (slot.conversation == kNone || m_conversations[slot.conversation].sides.startsNew(record, first, k)) {
            slot = {uint32_t(m_conversations.size()), hash};
            m_conversations.emplace_back();
        }
        const uint32_t id = slot.conversation;
        Conversation& c = m_conversations[id];
        if (c.count == 0)
            c.first = flow;
        else
            m_nextFlow[c.last] = flow;
        c.last = flow;
        ++c.count;
        c.sides.take(record, k);
        m_nextFlow.push_back(kNone);
        m_conversationOfFlow.push_back(id);
        // the client: the sender of the SYN, or the receiver of a SYN/ACK; until either is
        // seen, the sender of the first flow
        const bool keySource = record.id == k;
        if (isSyn(first)) {
            c.clientIsSource = keySource;
            c.clientKnown = true;
        } else if (!c.clientKnown && isSynAck(first)) {
            c.clientIsSource = !keySource;
            c.clientKnown = true;
        } else if (c.count == 1) {
            c.clientIsSource = keySource;
        }
    }
}

std::vector<uint32_t> ConversationIndex::flows(uint32_t conversation) const
{
    std::vector<uint32_t> out;
    out.reserve(flowCount(conversation));
    for (uint32_t f = firstFlow(conversation); f != kNone; f = nextFlow(f))
        out.push_back(f);
    return out;
}

BufferID ConversationIndex::clientToServer(const CaptureStore& store, uint32_t conversation) const
{
    const BufferID k = keyOf(store, conversation);
    return m_conversations[conversation].clientIsSource ? k : k.mirrored();
}

int ConversationIndex::direction(const CaptureStore& store, uint32_t flow) const
{
    const uint32_t c = conversationOf(flow);
    return c != kNone && store.flows[flow].id == clientToServer(store, c) ? 0 : 1;
}

ConversationIndex::Summary ConversationIndex::summary(const CaptureStore& store, uint32_t conversation) const
{
    Summary s;
    s.clientToServer = clientToServer(store, conversation);
    bool fin[2] = {false, false};
    bool rst = false;
    bool any = false;
    for (uint32_t flow = firstFlow(conversation); flow != kNone; flow = nextFlow(flow)) {
        const FlowStats& st = store.flows[flow].stats;
        const int d = store.flows[flow].id == s.clientToServer ? 0 : 1;
        s.packets[d] += st.packets;
        s.bytes[d] += st.bytes;
        if (!any)
            s.connection = store.flows[flow].connection;
        s.firstNs = any ? std::min(s.firstNs, st.firstNs) : st.firstNs;
        s.lastNs = any ? std::max(s.lastNs, st.lastNs) : st.lastNs;
        any = true;
        fin[d] = fin[d] || st.fin > 0;
        rst = rst || st.rst > 0;
        s.analysis.merge(store.flows[flow].analysis);
    }
    s.state = rst                 ? State::Reset
              : fin[0] && fin[1]  ? State::Closed
              : fin[0] || fin[1]  ? State::HalfClosed
                                  : State::Open;
    return s;
}

const char* conversationStateName(ConversationIndex::State state)
{
    switch (state) {
    case ConversationIndex::State::Open: return "open";
    case ConversationIndex::State::HalfClosed: return "half-closed";
    case ConversationIndex::State::Closed: return "closed";
    case ConversationIndex::State::Reset: return "reset";
    }
    return "";
}

} // namespace fi
