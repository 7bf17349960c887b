#include "FlowFilterParser.h"

#include <algorithm>

namespace fi {

namespace {

constexpr int kMaxDepth = 100; // nested parentheses and nots

std::string lowerCase(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return out;
}

std::string quoted(std::string_view text)
{
    return '\'' + std::string(text) + '\'';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Characters that end a word: spaces, parentheses, quotes and the operators' characters.
bool endsWord(char c)
{
    return isSpace(c) || std::string_view("()!=<>&|\"~").find(c) != std::string_view::npos;
}

bool isLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Letters that no label or address text holds (they have hex digits only): a word with
/// one is a field name or keyword, or a typo of one, never text to look for.
bool hasNonHexLetter(std::string_view word)
{
    return std::any_of(word.begin(), word.end(), [](char c) {
        const char l = char(c | 0x20);
        return isLetter(c) && (l < 'a' || l > 'f');
    });
}

/// Written like a field (`tcp.prot`, `frame.len`): a letter first, a dot, a non-hex letter.
bool looksLikeField(std::string_view word)
{
    return !word.empty() && isLetter(word[0]) && word.find('.') != std::string_view::npos && hasNonHexLetter(word);
}

/// The port a plain word names, as the former text filter read it (QString::toInt: a sign,
/// decimal digits), or -1.
int64_t portOfWord(std::string_view word)
{
    size_t i = 0;
    bool negative = false;
    if (!word.empty() && (word[0] == '+' || word[0] == '-')) {
        negative = word[0] == '-';
        i = 1;
    }
    if (i == word.size() || word.size() - i > 10)
        return -1;
    int64_t value = 0;
    for (; i < word.size(); ++i) {
        if (word[i] < '0' || word[i] > '9')
            return -1;
        value = value * 10 + (word[i] - '0');
    }
    if (negative)
        value = -value;
    return value >= 0 && value <= 65535 ? value : -1;
}

/// Optimal string alignment distance: edits, with a swap of neighbours as one.
size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

/// Words that are tests by themselves.
constexpr std::string_view kBareTests[] = {"open", "closed", "flow.open", "flow.closed", "ip", "ipv4", "ipv6", "ip6", "tcp"};
/// Other words of the grammar, for suggestions.
constexpr std::string_view kKeywords[] = {"and", "or", "not", "src", "dst", "contains", "eq", "ne", "lt", "le", "gt", "ge"};

} // namespace

FlowFilterParser::FlowFilterParser(std::string_view text) : m_text(text) {}

const std::vector<FlowFilterParser::Field>& FlowFilterParser::fields()
{
    static const std::vector<Field> all = [] {
        std::vector<Field> out;
        // Every column of the flow table, named by its title without spaces (`srcport`), also
        // after `flow.`.
        struct ColumnField
        {
            FieldKind kind;
            Ends ends;
        };
        constexpr ColumnField kColumnFields[FlowColumns::ColumnCount] = {
            {FieldKind::Label, Ends::Either},   {FieldKind::Address, Ends::Source}, {FieldKind::Port, Ends::Source},
            {FieldKind::Address, Ends::Destination}, {FieldKind::Port, Ends::Destination}, {FieldKind::Count, Ends::Either},
            {FieldKind::Bytes, Ends::Either},   {FieldKind::Seconds, Ends::Either}, {FieldKind::Seconds, Ends::Either},
            {FieldKind::Count, Ends::Either},   {FieldKind::Count, Ends::Either},   {FieldKind::Count, Ends::Either},
            {FieldKind::State, Ends::Either},
            // TCP analysis
            {FieldKind::Count, Ends::Either},   {FieldKind::Bytes, Ends::Either},   {FieldKind::Count, Ends::Either},
            {FieldKind::Count, Ends::Either},   {FieldKind::Count, Ends::Either},   {FieldKind::Count, Ends::Either},
            {FieldKind::Seconds, Ends::Either}, {FieldKind::Seconds, Ends::Either}, {FieldKind::Seconds, Ends::Either},
            {FieldKind::Seconds, Ends::Either}, {FieldKind::Bytes, Ends::Either},   {FieldKind::Bytes, Ends::Either},
            // the connection as Zeek sums it up
            {FieldKind::State, Ends::Either},   {FieldKind::Label, Ends::Either},
        };
        for (int c = 0; c < FlowColumns::ColumnCount; ++c) {
            const auto column = FlowColumns::Column(c);
            std::string name = lowerCase(FlowColumns::title(column));
            std::erase(name, ' ');
            out.push_back({name, kColumnFields[c].kind, kColumnFields[c].ends, column});
            out.push_back({"flow." + name, kColumnFields[c].kind, kColumnFields[c].ends, column});
        }
        // Wireshark's fields and tcpdump's primitives.
        const auto address = FlowColumns::Source;
        const auto port = FlowColumns::SourcePort;
        out.push_back({"ip.addr", FieldKind::Address, Ends::Either, address});
        out.push_back({"ip.src", FieldKind::Address, Ends::Source, address});
        out.push_back({"ip.dst", FieldKind::Address, Ends::Destination, address});
        out.push_back({"ipv6.addr", FieldKind::Address, Ends::Either, address, true});
        out.push_back({"ipv6.src", FieldKind::Address, Ends::Source, address, true});
        out.push_back({"ipv6.dst", FieldKind::Address, Ends::Destination, address, true});
        out.push_back({"host", FieldKind::Address, Ends::Either, address});
        out.push_back({"net", FieldKind::Network, Ends::Either, address});
        out.push_back({"tcp.port", FieldKind::Port, Ends::Either, port});
        out.push_back({"tcp.srcport", FieldKind::Port, Ends::Source, port});
        out.push_back({"tcp.dstport", FieldKind::Port, Ends::Destination, port});
        out.push_back({"port", FieldKind::Port, Ends::Either, port});
        out.push_back({"portrange", FieldKind::PortRange, Ends::Either, port});
        // The TCP analysis figures by the names people know them by.
        const std::pair<const char*, FlowColumns::Column> kAnalysisNames[] = {
            {"retransmissions", FlowColumns::Retransmissions}, {"retransmitted_bytes", FlowColumns::RetransmittedBytes},
            {"out_of_order", FlowColumns::OutOfOrder},         {"ooo", FlowColumns::OutOfOrder},
            {"lost_segments", FlowColumns::LostSegments},      {"duplicate_acks", FlowColumns::DuplicateAcks},
            {"dupacks", FlowColumns::DuplicateAcks},           {"zero_windows", FlowColumns::ZeroWindows},
            {"rtt.handshake", FlowColumns::HandshakeRtt},      {"irtt", FlowColumns::HandshakeRtt},
            {"rtt.min", FlowColumns::RttMin},                  {"rtt.mean", FlowColumns::RttMean},
            {"rtt.max", FlowColumns::RttMax},                  {"bytes_in_flight", FlowColumns::MaxInFlight},
            {"conn_state", FlowColumns::ConnState},            {"zeek.history", FlowColumns::History},
        };
        for (const auto& [name, column] : kAnalysisNames)
            out.push_back({name, kColumnFields[column].kind, Ends::Either, column});
        return out;
    }();
    return all;
}

const FlowFilterParser::Field* FlowFilterParser::findField(std::string_view lowerName)
{
    for (const Field& f : fields())
        if (f.name == lowerName)
            return &f;
    return nullptr;
}

std::optional<std::string> FlowFilterParser::suggestion(std::string_view lowerWord)
{
    const size_t allowed = lowerWord.size() <= 4 ? 1 : 2;
    std::optional<std::string> best;
    size_t bestDistance = allowed + 1;
    auto consider = [&](std::string_view name) {
        const size_t d = editDistance(lowerWord, name);
        if (d < bestDistance) {
            bestDistance = d;
            best = std::string(name);
        }
    };
    for (const Field& f : fields())
        if (!f.name.starts_with("flow.") || lowerWord.starts_with("flow."))
            consider(f.name);
    for (std::string_view k : kBareTests)
        consider(k);
    for (std::string_view k : kKeywords)
        consider(k);
    return best;
}

std::optional<FlowFilter> FlowFilterParser::parse(FlowFilterError* error)
{
    try {
        tokenize();
        if (peek().kind != Token::Kind::End) {
            parseOr();
            if (peek().kind != Token::Kind::End)
                failUnexpected(peek());
        }
        return std::move(m_filter);
    } catch (const Failure& failure) {
        if (error) {
            // Byte offsets to characters: count the bytes that start a UTF-8 character.
            auto characters = [this](size_t bytes) {
                return size_t(std::count_if(m_text.begin(), m_text.begin() + std::ptrdiff_t(bytes),
                                            [](char c) { return (uint8_t(c) & 0xc0) != 0x80; }));
            };
            error->reason = failure.reason;
            error->begin = characters(failure.begin);
            error->end = characters(std::max(failure.begin, failure.end));
        }
        return std::nullopt;
    }
}

void FlowFilterParser::tokenize()
{
    size_t i = 0;
    const size_t n = m_text.size();
    auto push = [this](Token::Kind kind, size_t begin, size_t end) {
        m_tokens.push_back({kind, begin, end, std::string(m_text.substr(begin, end - begin))});
    };
    while (i < n) {
        const char c = m_text[i];
        const size_t begin = i;
        if (isSpace(c)) {
            ++i;
        } else if (c == '(' || c == ')') {
            push(c == '(' ? Token::Kind::Open : Token::Kind::Close, i, i + 1);
            ++i;
        } else if (c == '&' || c == '|') {
            if (i + 1 < n && m_text[i + 1] == c) {
                push(c == '&' ? Token::Kind::And : Token::Kind::Or, i, i + 2);
                i += 2;
            } else {
                fail(quoted(std::string(1, c)) + " is not an operator (use " + (c == '&' ? "&& or and)" : "|| or or)"), i, i + 1);
            }
        } else if (c == '"') {
            std::string text;
            ++i;
            while (i < n && m_text[i] != '"') {
                if (m_text[i] == '\\' && i + 1 < n)
                    ++i;
                text += m_text[i++];
            }
            if (i == n)
                fail("the quote is never closed", begin, n);
            ++i;
            m_tokens.push_back({Token::Kind::Quoted, begin, i, std::move(text)});
        } else if (c == '!' || c == '=' || c == '<' || c == '>' || c == '~') {
            const bool twoCharacters = c != '~' && i + 1 < n && m_text[i + 1] == '=';
            i += twoCharacters ? 2 : 1;
            if (i < n && std::string_view("=<>").find(m_text[i]) != std::string_view::npos) {
                size_t end = i;
                while (end < n && std::string_view("=<>!").find(m_text[end]) != std::string_view::npos)
                    ++end;
                fail(quoted(m_text.substr(begin, end - begin)) + " is not an operator (use ==, !=, <, <=, > or >=)", begin, end);
            }
            push(c == '!' && !twoCharacters ? Token::Kind::Not : Token::Kind::Operator, begin, i);
        } else {
            while (i < n && !endsWord(m_text[i]))
                ++i;
            const std::string_view word = m_text.substr(begin, i - begin);
            const std::string lower = lowerCase(word);
            push(lower == "and" ? Token::Kind::And
                 : lower == "or" ? Token::Kind::Or
                 : lower == "not" ? Token::Kind::Not
                                  : Token::Kind::Word,
                 begin, i);
        }
    }
    m_tokens.push_back({Token::Kind::End, n, n, {}});
}

const FlowFilterParser::Token& FlowFilterParser::peek(size_t ahead) const
{
    return m_tokens[std::min(m_next + ahead, m_tokens.size() - 1)];
}

std::string_view FlowFilterParser::typed(const Token& token) const
{
    return m_text.substr(token.begin, token.end - token.begin);
}

std::optional<FlowFilterParser::Operator> FlowFilterParser::operatorOf(const Token& token) const
{
    if (token.kind == Token::Kind::Operator) {
        const std::string_view t = typed(token);
        if (t == "==" || t == "=")
            return Operator::Equal;
        if (t == "!=")
            return Operator::NotEqual;
        if (t == "<")
            return Operator::Less;
        if (t == "<=")
            return Operator::LessOrEqual;
        if (t == ">")
            return Operator::Greater;
        if (t == ">=")
            return Operator::GreaterOrEqual;
        return Operator::Matches; // ~
    }
    if (token.kind != Token::Kind::Word)
        return std::nullopt;
    const std::string word = lowerCase(token.text);
    if (word == "eq")
        return Operator::Equal;
    if (word == "ne")
        return Operator::NotEqual;
    if (word == "lt")
        return Operator::Less;
    if (word == "le")
        return Operator::LessOrEqual;
    if (word == "gt")
        return Operator::Greater;
    if (word == "ge")
        return Operator::GreaterOrEqual;
    if (word == "contains")
        return Operator::Contains;
    if (word == "matches")
        return Operator::Matches;
    return std::nullopt;
}

bool FlowFilterParser::isKeyword(const Token& token, std::string_view lowerKeyword) const
{
    return token.kind == Token::Kind::Word && lowerCase(token.text) == lowerKeyword;
}

bool FlowFilterParser::startsTerm(const Token& token) const
{
    switch (token.kind) {
    case Token::Kind::Word: return !operatorOf(token);
    case Token::Kind::Quoted:
    case Token::Kind::Open:
    case Token::Kind::Not: return true;
    default: return false;
    }
}

uint32_t FlowFilterParser::parseOr()
{
    std::vector<uint32_t> terms{parseAnd()};
    while (peek().kind == Token::Kind::Or) {
        const Token& op = take();
        if (!startsTerm(peek()))
            fail("expected a term after " + quoted(typed(op)), peek());
        terms.push_back(parseAnd());
    }
    return terms.size() == 1 ? terms.front() : addGroup(Test::Any, terms);
}

uint32_t FlowFilterParser::parseAnd()
{
    std::vector<uint32_t> terms{parseNot()};
    while (true) {
        if (peek().kind == Token::Kind::And) {
            const Token& op = take();
            if (!startsTerm(peek()))
                fail("expected a term after " + quoted(typed(op)), peek());
        } else if (!startsTerm(peek())) {
            break;
        }
        terms.push_back(parseNot()); // a term after a term: and
    }
    return terms.size() == 1 ? terms.front() : addGroup(Test::All, terms);
}

uint32_t FlowFilterParser::parseNot()
{
    if (++m_depth > kMaxDepth)
        fail("the filter is nested too deeply", peek());
    uint32_t node = 0;
    const Token& token = peek();
    if (token.kind == Token::Kind::Not) {
        take();
        if (!startsTerm(peek()))
            fail("expected a term after " + quoted(typed(token)), peek());
        node = addNot(parseNot());
    } else if (token.kind == Token::Kind::Open) {
        take();
        if (peek().kind == Token::Kind::Close)
            fail("expected a term between '(' and ')'", peek());
        node = parseOr();
        if (peek().kind == Token::Kind::End)
            fail("'(' is never closed", token);
        if (peek().kind != Token::Kind::Close)
            failUnexpected(peek());
        take();
    } else if (token.kind == Token::Kind::Word || token.kind == Token::Kind::Quoted) {
        node = parseTerm();
    } else {
        failUnexpected(token);
    }
    --m_depth;
    return node;
}

uint32_t FlowFilterParser::parseTerm()
{
    const Token& token = take();
    if (token.kind == Token::Kind::Quoted)
        return addWord(token.text);
    const std::string word = lowerCase(token.text);
    const std::optional<Operator> next = operatorOf(peek());

    if (word == "src" || word == "dst")
        return parseQualified(token);
    if (!next) {
        if (word == "open" || word == "flow.open")
            return addNot(add(nodeOf(Test::Closed)));
        if (word == "closed" || word == "flow.closed")
            return add(nodeOf(Test::Closed));
        if (word == "ip" || word == "ipv4")
            return add(nodeOf(Test::Family, int64_t(IpAddress::Family::V4)));
        if (word == "ipv6" || word == "ip6")
            return add(nodeOf(Test::Family, int64_t(IpAddress::Family::V6)));
        if (word == "tcp") // every flow is TCP
            return add(nodeOf(Test::All));
    }
    if (const Field* field = findField(word)) {
        const auto column = field->column;
        if (!next && (column == FlowColumns::Syn || column == FlowColumns::Fin || column == FlowColumns::Rst)) {
            Node count = nodeOf(Test::Number, 0); // `syn`: some SYN
            count.compare = Compare::Greater;
            count.column = column;
            return add(count);
        }
        return parseField(*field, token);
    }
    if (next) {
        const std::optional<std::string> guess = suggestion(word);
        fail("unknown field " + quoted(token.text) + (guess ? " (did you mean " + *guess + "?)" : ""), token);
    }
    if (token.text.find(':') != std::string::npos || looksLikeAddress(token.text)) {
        std::string why;
        if (const std::optional<AddressBlock> block = parseAddressBlock(token.text, false, &why))
            return add({.test = Test::Address, .ends = Ends::Either, .block = *block});
        if (looksLikeAddress(token.text))
            fail(why, token);
        // not an address: text, as `db8:` or `2001:db8` always were
    }
    if (looksLikeField(token.text)) {
        const std::optional<std::string> guess = suggestion(word);
        fail("unknown field " + quoted(token.text) + (guess ? " (did you mean " + *guess + "?)" : ""), token);
    }
    if (hasNonHexLetter(token.text)) {
        if (m_next >= 2) { // `duration > 5 s`: the unit as a word of its own
            const Token& before = m_tokens[m_next - 2];
            const std::string joined = before.text + token.text;
            if (before.kind == Token::Kind::Word && !before.text.empty() && before.text[0] >= '0' &&
                before.text[0] <= '9' &&
                (parseQuantity(joined, Quantity::Seconds, nullptr) || parseQuantity(joined, Quantity::Bytes, nullptr)))
                fail("write the unit right after the number: " + quoted(joined), before.begin, token.end);
        }
        const std::optional<std::string> guess = suggestion(word);
        fail("unknown word " + quoted(token.text) +
                 (guess ? " (did you mean " + *guess + "?)" : " (not a field, a keyword or text of a label)"),
             token);
    }
    return addWord(token.text);
}

uint32_t FlowFilterParser::parseQualified(const Token& qualifier)
{
    const bool source = lowerCase(qualifier.text) == "src";
    const std::string_view ip = source ? "ip.src" : "ip.dst";
    const Token& next = peek();
    const std::string word = next.kind == Token::Kind::Word ? lowerCase(next.text) : std::string();
    Field field = *findField(ip);
    if (word == "host" || word == "net" || word == "port" || word == "portrange") {
        take();
        field = *findField(word);
        field.ends = source ? Ends::Source : Ends::Destination;
        return parseField(field, next);
    }
    if (operatorOf(next))
        return parseField(field, qualifier);
    if ((next.kind == Token::Kind::Word || next.kind == Token::Kind::Quoted) &&
        (next.text.find(':') != std::string::npos || next.text.find('.') != std::string::npos))
        return parseField(field, qualifier); // `src 10.0.0.1`, `dst net`'s block without `net`
    fail("expected host, net, port, portrange or an address after " + quoted(typed(qualifier)), next);
}

uint32_t FlowFilterParser::parseField(const Field& field, const Token& name)
{
    const bool impliedEqual = field.kind == FieldKind::Address || field.kind == FieldKind::Network ||
                              field.kind == FieldKind::Port || field.kind == FieldKind::PortRange;
    const bool equalityOnly = field.kind == FieldKind::Address || field.kind == FieldKind::Network ||
                              field.kind == FieldKind::PortRange || field.kind == FieldKind::State;
    const char* operators = field.kind == FieldKind::Label ? "contains, == or !="
                            : equalityOnly                 ? "== or !="
                                                           : "==, !=, <, <=, > or >=";
    const std::optional<Operator> op = operatorOf(peek());
    const Token& opToken = op ? take() : name;
    const Token& value = peek();
    const bool hasValue = (value.kind == Token::Kind::Word && !operatorOf(value)) || value.kind == Token::Kind::Quoted;
    if (!op && !impliedEqual)
        fail("expected an operator (" + std::string(operators) + ") after " + quoted(typed(name)), value);

    const char* noun = "";
    switch (field.kind) {
    case FieldKind::Address:
    case FieldKind::Network: noun = field.ipv6Only ? "an IPv6 address" : "an address"; break;
    case FieldKind::Port: noun = "a port number"; break;
    case FieldKind::PortRange: noun = "a port range (1000-2000)"; break;
    case FieldKind::Count: noun = "a number"; break;
    case FieldKind::Bytes: noun = "a number of bytes"; break;
    case FieldKind::Seconds: noun = "a time in seconds"; break;
    case FieldKind::Label: noun = "a text"; break;
    case FieldKind::State:
        noun = field.column == FlowColumns::ConnState ? "a Zeek connection state (S0, S1, SF, REJ…)"
                                                      : "open, closed or a Zeek connection state (S0, S1, SF, REJ…)";
        break;
    }
    if (!hasValue)
        fail("expected " + std::string(noun) + " after " + quoted(typed(opToken)), value);
    take();

    const Operator actual = op.value_or(Operator::Equal);
    if (actual == Operator::Matches)
        fail("regular expressions are not supported (use contains)", opToken);
    const bool equality = actual == Operator::Equal || actual == Operator::NotEqual;
    const bool allowed = field.kind == FieldKind::Label ? equality || actual == Operator::Contains
                         : equalityOnly                 ? equality
                                                        : actual != Operator::Contains;
    if (!allowed)
        fail(quoted(field.name) + " compares with " + operators + ", not " + quoted(typed(opToken)), opToken);
    return parseValue(field, actual, opToken, value);
}

uint32_t FlowFilterParser::parseValue(const Field& field, Operator op, const Token& opToken, const Token& value)
{
    Node node;
    node.ends = field.ends;
    node.column = field.column;
    node.compare = op == Operator::Contains ? Compare::Equal : Compare(op);
    std::string why;
    if (lowerCase(value.text) == "in" && value.kind == Token::Kind::Word)
        fail("sets ('in {...}') are not supported (use or)", value);
    switch (field.kind) {
    case FieldKind::Address:
    case FieldKind::Network: {
        const std::optional<AddressBlock> block = parseAddressBlock(value.text, field.kind == FieldKind::Network, &why);
        if (!block)
            fail(why, value);
        if (field.ipv6Only && block->family != IpAddress::Family::V6)
            fail(quoted(value.text) + " is not an IPv6 address (use ip." + field.name.substr(field.name.find('.') + 1) +
                     " for IPv4)",
                 value);
        node.test = Test::Address;
        node.block = *block;
        return add(node);
    }
    case FieldKind::Port: {
        const std::optional<uint16_t> port = parsePort(value.text, &why);
        if (!port && value.text.find('-') != std::string::npos)
            fail(why + " (use portrange " + value.text + ")", value);
        if (!port)
            fail(why, value);
        node.test = Test::Port;
        node.value = *port;
        return add(node);
    }
    case FieldKind::PortRange: {
        const size_t dash = value.text.find('-');
        const std::optional<uint16_t> low = parsePort(value.text.substr(0, dash), &why);
        const std::optional<uint16_t> high =
            dash == std::string::npos ? low : parsePort(value.text.substr(dash + 1), &why);
        if (!low || !high || *low > *high)
            fail(quoted(value.text) + " is not a port range (two ports, the lower first: 1000-2000)", value);
        node.test = Test::PortRange;
        node.value = *low;
        node.upper = *high;
        return add(node);
    }
    case FieldKind::Count:
    case FieldKind::Bytes:
    case FieldKind::Seconds: {
        const Quantity quantity = field.kind == FieldKind::Count   ? Quantity::Count
                                  : field.kind == FieldKind::Bytes ? Quantity::Bytes
                                                                   : Quantity::Seconds;
        const std::optional<int64_t> number = parseQuantity(value.text, quantity, &why);
        if (!number)
            fail(why, value);
        node.test = Test::Number;
        node.value = *number;
        return add(node);
    }
    case FieldKind::Label:
        node.test = Test::Label;
        node.contains = op == Operator::Contains;
        node.first = uint32_t(m_filter.m_needles.size());
        // (a history's case says which side: it compares as written)
        m_filter.m_needles.push_back(field.column == FlowColumns::History ? value.text : lowerCase(value.text));
        return add(node);
    case FieldKind::State: {
        // a flow's own state (open, closed), or its connection's as Zeek gives it (`state == REJ`)
        const std::string state = lowerCase(value.text);
        if (const std::optional<ZeekConnState> zeek = zeekConnStateOf(value.text)) {
            node.test = Test::ConnState;
            node.value = int64_t(*zeek);
            return add(node);
        }
        if (field.column == FlowColumns::ConnState)
            fail("a connection's state is S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH, not " +
                     quoted(value.text),
                 value);
        if (state != "open" && state != "closed")
            fail("a flow's state is open or closed, or its connection's as Zeek gives it (S0, S1, SF, REJ…), not " +
                     quoted(value.text),
                 value);
        const uint32_t closed = add(nodeOf(Test::Closed));
        return (state == "closed") == (op == Operator::Equal) ? closed : addNot(closed);
    }
    }
    fail("expected a value after " + quoted(typed(opToken)), value);
}

FlowFilterParser::Node FlowFilterParser::nodeOf(Test test, int64_t value)
{
    Node node;
    node.test = test;
    node.value = value;
    return node;
}

uint32_t FlowFilterParser::add(const Node& node)
{
    m_filter.m_nodes.push_back(node);
    return uint32_t(m_filter.m_nodes.size() - 1);
}

uint32_t FlowFilterParser::addGroup(Test test, const std::vector<uint32_t>& children)
{
    Node node;
    node.test = test;
    node.first = uint32_t(m_filter.m_children.size());
    node.count = uint32_t(children.size());
    m_filter.m_children.insert(m_filter.m_children.end(), children.begin(), children.end());
    return add(node);
}

uint32_t FlowFilterParser::addNot(uint32_t child)
{
    return addGroup(Test::Not, {child});
}

uint32_t FlowFilterParser::addWord(const std::string& text)
{
    Node node;
    node.test = Test::Word;
    node.first = uint32_t(m_filter.m_needles.size());
    node.value = portOfWord(text);
    node.hasColon = text.find(':') != std::string::npos;
    m_filter.m_needles.push_back(lowerCase(text));
    return add(node);
}

void FlowFilterParser::fail(std::string reason, size_t begin, size_t end) const
{
    throw Failure{std::move(reason), begin, end};
}

void FlowFilterParser::fail(std::string reason, const Token& token) const
{
    fail(std::move(reason), token.begin, token.end);
}

void FlowFilterParser::failUnexpected(const Token& token) const
{
    switch (token.kind) {
    case Token::Kind::Close: fail("')' has no matching '('", token);
    case Token::Kind::Operator: fail(quoted(typed(token)) + " needs a field before it", token);
    case Token::Kind::And:
    case Token::Kind::Or: fail(quoted(typed(token)) + " needs a term before it", token);
    case Token::Kind::End: fail("expected a term", token);
    default:
        if (operatorOf(token))
            fail(quoted(typed(token)) + " needs a field before it", token);
        fail("unexpected " + quoted(typed(token)), token);
    }
}

} // namespace fi
