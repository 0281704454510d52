#include "common/api/quote.h"

#include "absl/strings/str_format.h"
#include "common/api/utf8.h"

namespace crm::common {
namespace {

// Characters that would break the message onto another line, or hide or
// reorder text when it is displayed (zero-width and bidirectional controls).
bool MustEscape(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

void AppendEscaped(char32_t code_point, std::string_view bytes, std::string* out) {
  switch (code_point) {
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    default:
      break;
  }
  if (MustEscape(code_point)) {
    absl::StrAppendFormat(out, "\\u{%X}", static_cast<uint32_t>(code_point));
  } else {
    out->append(bytes);
  }
}

}  // namespace

std::string QuoteValue(std::string_view value) {
  std::string out = "\"";
  size_t offset = 0;
  size_t code_points = 0;
  while (offset < value.size()) {
    if (code_points == kMaxQuotedCodePoints) {
      out.append("...");
      break;
    }
    const Utf8Sequence sequence = DecodeUtf8(value, offset);
    if (sequence.length == 0) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<unsigned char>(value[offset]));
      offset += 1;
    } else {
      AppendEscaped(sequence.code_point, value.substr(offset, sequence.length), &out);
      offset += sequence.length;
    }
    ++code_points;
  }
  out.push_back('"');
  return out;
}

}  // namespace crm::common
