#pragma once

#include "CaptureStore.h"

#include <cstdint>
#include <vector>

namespace fi {

/// The conversations of a capture: each TCP connection's flows, both directions together.
///
/// The seed's rule makes a flow of each direction (its BufferID) and splits a direction at
/// each FIN, so one connection is two or more flows. A conversation is the flows of a 4-tuple's
/// two BufferIDs, in opening order, from one that starts a connection to the next that does:
/// a flow whose first packet is a SYN without ACK (the client's), or a SYN/ACK from a side that
/// already has a flow in the conversation (the server answering a new connection). So a
/// 4-tuple used again after a close is a new conversation, although the seed's rule may have
/// put the client's new SYN in the flow its last ACK opened (that flow stays with the
/// conversation it opened in). Flows seen before any SYN of their 4-tuple (a capture that
/// starts mid-connection) are one conversation. Follow Stream reads the same flows
/// (connection()).
///
/// Built incrementally: update() takes the flows added to the store since the last call, so a
/// loading capture's conversations grow batch by batch. Statistics are not copied: summary()
/// adds up its flows' as they are now.
class ConversationIndex
{
public:
    enum class State
    {
        Open,       ///< no FIN or RST yet
        HalfClosed, ///< a FIN from one side
        Closed,     ///< FINs from both sides
        Reset,      ///< an RST from either side
    };

    struct Summary
    {
        BufferID clientToServer; ///< src: the client (the SYN's sender, else the first flow's)
        uint32_t packets[2] = {0, 0}; ///< [0] client to server, [1] server to client
        uint64_t bytes[2] = {0, 0};
        int64_t firstNs = 0;
        int64_t lastNs = 0;
        State state = State::Open;
        /// TCP analysis over both directions: its flows' figures merged (FlowAnalysis::merge).
        FlowAnalysis analysis;
        /// The connection as Zeek sums it up (as its first flow has it: every flow of a
        /// connection has the same).
        ConnectionSummary connection;
    };

    static constexpr uint32_t kNone = UINT32_MAX;

    /// The flows of `flow`'s conversation, in opening order, found without indexing the whole
    /// capture (one pass over its flows).
    static std::vector<uint32_t> connection(const CaptureStore& store, uint32_t flow);

    /// Takes the flows added to `store` since the last update (or all, after clear()).
    void update(const CaptureStore& store);
    void clear();

    size_t size() const { return m_conversations.size(); }
    /// The conversation's flows, in opening order: the first, and each one's next (kNone after
    /// the last), or all of them at once.
    uint32_t firstFlow(uint32_t conversation) const { return m_conversations[conversation].first; }
    uint32_t nextFlow(uint32_t flow) const { return m_nextFlow[flow]; }
    uint32_t flowCount(uint32_t conversation) const { return m_conversations[conversation].count; }
    std::vector<uint32_t> flows(uint32_t conversation) const;
    /// The conversation of a flow update() has taken; kNone for one it has not.
    uint32_t conversationOf(uint32_t flow) const
    {
        return flow < m_conversationOfFlow.size() ? m_conversationOfFlow[flow] : kNone;
    }
    /// Flows taken so far: update() starts after them.
    uint32_t flowsTaken() const { return uint32_t(m_conversationOfFlow.size()); }
    /// 0 when `flow` goes from the conversation's client to its server, 1 the other way.
    int direction(const CaptureStore& store, uint32_t flow) const;
    Summary summary(const CaptureStore& store, uint32_t conversation) const;

private:
    /// The sides of a 4-tuple a conversation has flows of: [0] the key's source, [1] the other.
    struct Sides
    {
        bool seen[2] = {false, false};
        /// Whether `flow` (of 4-tuple `key`; its first packet's flags `firstFlags`) starts a new
        /// conversation after these sides.
        bool startsNew(const FlowRecord& flow, uint8_t firstFlags, const BufferID& key) const;
        void take(const FlowRecord& flow, const BufferID& key) { seen[flow.id == key ? 0 : 1] = true; }
    };
    /// 16 bytes: a capture has a conversation for every two or three flows.
    struct Conversation
    {
        uint32_t first = kNone;
        uint32_t last = kNone;
        uint32_t count = 0;
        Sides sides;
        bool clientKnown = false;   ///< a SYN (or SYN/ACK) said who the client is
        bool clientIsSource = true; ///< the client is the source of the 4-tuple's key
    };
    BufferID keyOf(const CaptureStore& store, uint32_t conversation) const
    {
        return store.flows[m_conversations[conversation].first].id.connectionKey();
    }
    BufferID clientToServer(const CaptureStore& store, uint32_t conversation) const;
    /// A 4-tuple's place in the table: its latest conversation, and 32 bits of the 4-tuple's
    /// hash (the slot is its low bits; a probe compares the 4-tuples only when these match, so
    /// it rarely reads a flow of the store).
    struct Slot
    {
        uint32_t conversation = kNone;
        uint32_t hash = 0;
    };
    /// The slot of the 4-tuple `k` in m_slots: its latest conversation's, or the empty one
    /// where it would go.
    size_t slotOf(const CaptureStore& store, const BufferID& k, uint32_t hash) const;
    void grow();

    std::vector<Conversation> m_conversations;
    std::vector<uint32_t> m_conversationOfFlow; ///< by flow id
    std::vector<uint32_t> m_nextFlow;           ///< by flow id: the next flow of its conversation
    /// Open addressing, by the 4-tuple's hash: each 4-tuple's latest conversation (kNone: empty).
    /// The 4-tuple itself is its conversation's first flow's: 8 bytes a slot.
    std::vector<Slot> m_slots;
    size_t m_tuples = 0;
};

const char* conversationStateName(ConversationIndex::State state);

} // namespace fi
