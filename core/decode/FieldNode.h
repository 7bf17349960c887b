#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// One node of a decoded frame: a layer or group (with children) or a header field (with a
/// value), with the byte range it covers in the frame. The frame-details view and the
/// json/plist/tree writers are made of these.
struct FieldNode
{
    enum class Type : uint8_t { Layer, Group, Integer, Bool, Text, Bytes };

    std::string name;
    Type type = Type::Group;
    uint64_t number = 0; ///< Integer, Bool
    std::string text;    ///< Text, Bytes (hex digits); for Layer its display name
    uint32_t offset = 0;
    uint32_t length = 0;
    std::vector<FieldNode> children;

    bool isContainer() const { return type == Type::Layer || type == Type::Group; }
    /// The value as a person reads it (`True`, `80`, `192.168.1.1`, `TCP [6]`…).
    std::string displayValue() const;
    /// The first child of that name, or nullptr.
    const FieldNode* child(const std::string& childName) const;
};

/// A node of `type` named `name` over the frame's bytes [offset, offset + length) (none for a
/// value computed rather than read).
FieldNode fieldNode(std::string name, FieldNode::Type type, size_t offset = 0, size_t length = 0);
/// A Text field.
FieldNode textField(std::string name, std::string_view text, size_t offset = 0, size_t length = 0);
/// An Integer field.
FieldNode numberField(std::string name, uint64_t value, size_t offset = 0, size_t length = 0);

/// Lower-case hex digits of `n` bytes, no separators.
std::string hexString(const uint8_t* p, size_t n);

} // namespace fi
