#ifndef CRM_COMMON_API_UTF8_H_
#define CRM_COMMON_API_UTF8_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace crm::common {

// One decoded UTF-8 sequence. `length` is 0 when the bytes at the offset are
// not well-formed UTF-8 (RFC 3629: overlong forms, UTF-16 surrogates, code
// points above U+10FFFF, stray continuation bytes and truncated sequences are
// all ill-formed); `code_point` is then meaningless.
struct Utf8Sequence {
  char32_t code_point = 0;
  int length = 0;
};

// Decodes the sequence that starts at text[offset] (offset < text.size()).
Utf8Sequence DecodeUtf8(std::string_view text, size_t offset);

// The byte offset of the first ill-formed sequence, or nullopt when the whole
// text is well-formed UTF-8.
std::optional<size_t> FindInvalidUtf8(std::string_view text);

// The number of code points in well-formed UTF-8 text. Each ill-formed byte
// counts as one.
size_t CountCodePoints(std::string_view text);

}  // namespace crm::common

#endif  // CRM_COMMON_API_UTF8_H_
