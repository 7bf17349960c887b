#include "ConversationIndex.h"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace fi {

namespace {

uint8_t firstFlags(const FlowRecord& flow)
{
    return flow.packets.empty() ? 0 : flow.packets.front().flags;
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

bool ConversationIndex::Sides::startsNew(const FlowRecord& flow, const BufferID& key) const
{
    const uint8_t flags = firstFlags(flow);
    return isSyn(flags) || (isSynAck(flags) && seen[flow.id == key ? 0 : 1]);
}

std::vector<uint32_t> ConversationIndex::connection(const CaptureStore& store, uint32_t flow)
{
    const BufferID k = key(store.flows[flow].id);
    std::vector<uint32_t> group;
    Sides sides;
    for (uint32_t f = 0; f < store.flows.size(); ++f) {
        const FlowRecord& record = store.flows[f];
        if (!(key(record.id) == k))
            continue;
        if (sides.startsNew(record, k)) {
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

BufferID ConversationIndex::key(const BufferID& id)
{
    auto endpoint = [](const IpAddress& a, uint16_t port) {
        return std::make_tuple(a.family, a.bytes, port);
    };
    return endpoint(id.src, id.srcport) <= endpoint(id.dst, id.dstport) ? id : id.mirrored();
}

void ConversationIndex::clear()
{
    m_conversations.clear();
    m_conversationOfFlow.clear();
    m_current.clear();
}

void ConversationIndex::update(const CaptureStore& store)
{
    for (uint32_t flow = flowsTaken(); flow < store.flows.size(); ++flow) {
        const FlowRecord& record = store.flows[flow];
        const BufferID k = key(record.id);
        const auto [at, added] = m_current.try_emplace(k, kNone);
        if (added || m_conversations[at->second].sides.startsNew(record, k)) {
            at->second = uint32_t(m_conversations.size());
            m_conversations.emplace_back();
        }
        Conversation& c = m_conversations[at->second];
        c.sides.take(record, k);
        c.flows.push_back(flow);
        // the client: the sender of the SYN, or the receiver of a SYN/ACK; until either is
        // seen, the sender of the first flow
        const uint8_t first = firstFlags(record);
        if (isSyn(first)) {
            c.clientToServer = record.id;
            c.clientKnown = true;
        } else if (!c.clientKnown && isSynAck(first)) {
            c.clientToServer = record.id.mirrored();
            c.clientKnown = true;
        } else if (c.flows.size() == 1) {
            c.clientToServer = record.id;
        }
        m_conversationOfFlow.push_back(at->second);
    }
}

int ConversationIndex::direction(const CaptureStore& store, uint32_t flow) const
{
    const uint32_t c = conversationOf(flow);
    return c != kNone && store.flows[flow].id == m_conversations[c].clientToServer ? 0 : 1;
}

ConversationIndex::Summary ConversationIndex::summary(const CaptureStore& store, uint32_t conversation) const
{
    const Conversation& c = m_conversations[conversation];
    Summary s;
    s.clientToServer = c.clientToServer;
    bool fin[2] = {false, false};
    bool rst = false;
    bool any = false;
    for (uint32_t flow : c.flows) {
        const FlowStats& st = store.flows[flow].stats;
        const int d = store.flows[flow].id == c.clientToServer ? 0 : 1;
        s.packets[d] += st.packets;
        s.bytes[d] += st.bytes;
        s.firstNs = any ? std::min(s.firstNs, st.firstNs) : st.firstNs;
        s.lastNs = any ? std::max(s.lastNs, st.lastNs) : st.lastNs;
        any = true;
        fin[d] = fin[d] || st.fin > 0;
        rst = rst || st.rst > 0;
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
