#pragma once

#include "FlowFilter.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// Reads the text of a flow filter (FlowFilter's grammar) into a FlowFilter's tests, or
/// says what is wrong and where. Used once per text by FlowFilter::parse.
class FlowFilterParser
{
public:
    explicit FlowFilterParser(std::string_view text);

    std::optional<FlowFilter> parse(FlowFilterError* error);

private:
    using Node = FlowFilter::Node;
    using Test = FlowFilter::Test;
    using Ends = FlowFilter::Ends;
    using Compare = FlowFilter::Compare;

    struct Token
    {
        enum class Kind : uint8_t { End, Word, Quoted, Open, Close, Operator, And, Or, Not };
        Kind kind = Kind::End;
        size_t begin = 0; ///< byte offsets in the text
        size_t end = 0;
        std::string text; ///< Quoted: without quotes and escapes; others: as typed
    };

    /// What a field holds, which decides its operators and how its value is read.
    enum class FieldKind : uint8_t { Address, Network, Port, PortRange, Count, Bytes, Seconds, Label, State };
    struct Field
    {
        std::string name;
        FieldKind kind;
        Ends ends;
        FlowColumns::Column column;
        bool ipv6Only = false;
    };
    enum class Operator : uint8_t { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Contains, Matches };

    /// A syntax error on its way out of the recursive descent.
    struct Failure
    {
        std::string reason;
        size_t begin;
        size_t end;
    };

    static const std::vector<Field>& fields();
    static const Field* findField(std::string_view lowerName);
    /// The known name closest to `word`, if close enough to be a typo of it.
    static std::optional<std::string> suggestion(std::string_view lowerWord);

    void tokenize();
    const Token& peek(size_t ahead = 0) const;
    const Token& take() { return m_tokens[m_next++]; }
    std::string_view typed(const Token& token) const;
    std::optional<Operator> operatorOf(const Token& token) const;
    bool isKeyword(const Token& token, std::string_view lowerKeyword) const;
    bool startsTerm(const Token& token) const;

    uint32_t parseOr();
    uint32_t parseAnd();
    uint32_t parseNot();
    uint32_t parseTerm();
    uint32_t parseQualified(const Token& qualifier);
    uint32_t parseField(const Field& field, const Token& name);
    uint32_t parseValue(const Field& field, Operator op, const Token& opToken, const Token& value);

    static Node nodeOf(Test test, int64_t value = 0);
    uint32_t add(const Node& node);
    uint32_t addGroup(Test test, const std::vector<uint32_t>& children);
    uint32_t addNot(uint32_t child);
    uint32_t addWord(const std::string& text);

    [[noreturn]] void fail(std::string reason, size_t begin, size_t end) const;
    [[noreturn]] void fail(std::string reason, const Token& token) const;
    [[noreturn]] void failUnexpected(const Token& token) const;

    std::string_view m_text;
    std::vector<Token> m_tokens;
    size_t m_next = 0;
    int m_depth = 0;
    FlowFilter m_filter;
};

} // namespace fi
