#include "common/api/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "common/base/sha256.h"

namespace crm::common {
namespace {

// Token = web-safe base64 (no padding) of: payload + checksum.
// payload = version (1 byte)
//         + query tag (kQueryTagBytes of SHA-256 over the fingerprint)
//         + key count (uint32 big-endian)
//         + per key: length (uint32 big-endian) + bytes.
// checksum = first kChecksumBytes of SHA-256(kChecksumDomain + payload).
constexpr char kVersion = 1;
constexpr size_t kQueryTagBytes = 8;
constexpr size_t kChecksumBytes = 16;
constexpr std::string_view kChecksumDomain = "crm.page_token.v1.checksum";
constexpr std::string_view kQueryTagDomain = "crm.page_token.v1.query";

constexpr char kCorrupted[] = "page_token: invalid or corrupted";
constexpr char kOtherQuery[] =
    "page_token: does not belong to this query (filter or order_by changed); restart from the "
    "first page";

std::string QueryTag(std::string_view query_fingerprint) {
  return Sha256(std::string(kQueryTagDomain).append(query_fingerprint)).substr(0, kQueryTagBytes);
}

std::string Checksum(std::string_view payload) {
  return Sha256(std::string(kChecksumDomain).append(payload)).substr(0, kChecksumBytes);
}

void AppendUint32(uint32_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

// Reads the payload front to back; every read fails (returns false) instead
// of running past the end.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view data) : data_(data) {}

  bool ReadBytes(size_t count, std::string_view* out) {
    if (data_.size() < count) return false;
    *out = data_.substr(0, count);
    data_.remove_prefix(count);
    return true;
  }

  bool ReadUint32(uint32_t* out) {
    std::string_view bytes;
    if (!ReadBytes(4, &bytes)) return false;
    *out = 0;
    for (char byte : bytes) *out = (*out << 8) | static_cast<unsigned char>(byte);
    return true;
  }

  size_t remaining() const { return data_.size(); }

 private:
  std::string_view data_;
};

// Strict web-safe base64: only the canonical unpadded encoding of some bytes
// is accepted, so every changed character changes the decoded bytes.
bool DecodeCanonicalBase64(std::string_view token, std::string* out) {
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), out)) {
    return false;
  }
  return absl::WebSafeBase64Escape(*out) == token;
}

}  // namespace

absl::StatusOr<int> NormalizePageSize(int32_t requested) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("page_size: must not be negative (got %d)", requested));
  }
  if (requested == 0) return kDefaultPageSize;
  if (requested > kMaxPageSize) return kMaxPageSize;
  return requested;
}

std::string PageQueryFingerprint(std::initializer_list<std::string_view> parts) {
  std::string fingerprint;
  for (std::string_view part : parts) {
    AppendUint32(static_cast<uint32_t>(part.size()), &fingerprint);
    fingerprint.append(part);
  }
  return fingerprint;
}

std::string EncodePageToken(const PageCursor& cursor, std::string_view query_fingerprint) {
  std::string payload(1, kVersion);
  payload.append(QueryTag(query_fingerprint));
  AppendUint32(static_cast<uint32_t>(cursor.keys.size()), &payload);
  for (const std::string& key : cursor.keys) {
    AppendUint32(static_cast<uint32_t>(key.size()), &payload);
    payload.append(key);
  }
  payload.append(Checksum(payload));
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<PageCursor> DecodePageToken(std::string_view token,
                                           std::string_view query_fingerprint) {
  std::string decoded;
  if (!DecodeCanonicalBase64(token, &decoded) || decoded.size() < 1 + kChecksumBytes) {
    return absl::InvalidArgumentError(kCorrupted);
  }
  const std::string_view payload =
      std::string_view(decoded).substr(0, decoded.size() - kChecksumBytes);
  const std::string_view checksum = std::string_view(decoded).substr(payload.size());
  if (Checksum(payload) != checksum) return absl::InvalidArgumentError(kCorrupted);

  PayloadReader reader(payload);
  std::string_view version;
  std::string_view query_tag;
  uint32_t key_count = 0;
  if (!reader.ReadBytes(1, &version) || version[0] != kVersion ||
      !reader.ReadBytes(kQueryTagBytes, &query_tag) || !reader.ReadUint32(&key_count)) {
    return absl::InvalidArgumentError(kCorrupted);
  }
  if (query_tag != QueryTag(query_fingerprint)) return absl::InvalidArgumentError(kOtherQuery);

  // Each key takes at least its 4-byte length, which bounds a forged count.
  if (key_count > reader.remaining() / 4) return absl::InvalidArgumentError(kCorrupted);
  PageCursor cursor;
  cursor.keys.reserve(key_count);
  for (uint32_t i = 0; i < key_count; ++i) {
    uint32_t length = 0;
    std::string_view key;
    if (!reader.ReadUint32(&length) || !reader.ReadBytes(length, &key)) {
      return absl::InvalidArgumentError(kCorrupted);
    }
    cursor.keys.emplace_back(key);
  }
  if (reader.remaining() != 0) return absl::InvalidArgumentError(kCorrupted);
  return cursor;
}

}  // namespace crm::common
