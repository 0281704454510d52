#include "common/api/utf8.h"

#include <cstdint>

namespace crm::common {
namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

Utf8Sequence DecodeUtf8(std::string_view text, size_t offset) {
  const auto lead = static_cast<unsigned char>(text[offset]);
  if (lead < 0x80) return {lead, 1};

  int length = 0;
  char32_t code_point = 0;
  char32_t smallest = 0;  // below this the sequence is an overlong form
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    smallest = 0x10000;
  } else {
    return {};  // a continuation byte or 0xF8..0xFF cannot start a sequence
  }
  if (text.size() - offset < static_cast<size_t>(length)) return {};
  for (int i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[offset + i]);
    if (!IsContinuation(byte)) return {};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < smallest) return {};
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return {};
  if (code_point > 0x10FFFF) return {};
  return {code_point, length};
}

std::optional<size_t> FindInvalidUtf8(std::string_view text) {
  size_t offset = 0;
  while (offset < text.size()) {
    const Utf8Sequence sequence = DecodeUtf8(text, offset);
    if (sequence.length == 0) return offset;
    offset += sequence.length;
  }
  return std::nullopt;
}

size_t CountCodePoints(std::string_view text) {
  size_t count = 0;
  size_t offset = 0;
  while (offset < text.size()) {
    const Utf8Sequence sequence = DecodeUtf8(text, offset);
    offset += sequence.length == 0 ? 1 : sequence.length;
    ++count;
  }
  return count;
}

}  // namespace crm::common
