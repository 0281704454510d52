#include "common/api/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "common/base/sha256.h"

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::ElementsAre;

constexpr char kCorrupted[] = "page_token: invalid or corrupted";
constexpr char kOtherQuery[] =
    "page_token: does not belong to this query (filter or order_by changed); restart from the "
    "first page";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const std::string& Fingerprint() {
  static const std::string* fingerprint =
      new std::string(PageQueryFingerprint({"customers", "tier = GOLD", "create_time desc"}));
  return *fingerprint;
}

void ExpectCorrupted(std::string_view token) {
  const absl::StatusOr<PageCursor> cursor = DecodePageToken(token, Fingerprint());
  ASSERT_FALSE(cursor.ok()) << testing::PrintToString(std::string(token));
  EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cursor.status().message(), kCorrupted) << testing::PrintToString(std::string(token));
}

std::string DecodeBase64(std::string_view token) {
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &bytes));
  return bytes;
}

// The checksum is not secret, so anyone can build a token with a valid
// checksum around any payload. This does that, to check that decoding
// survives hostile payloads.
std::string ForgeToken(std::string payload) {
  const std::string checksum = Sha256("crm.page_token.v1.checksum" + payload).substr(0, 16);
  return absl::WebSafeBase64Escape(payload + checksum);
}

std::string BigEndian32(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

TEST(PageTokenTest, RoundTripsTypicalKeys) {
  const PageCursor cursor{{"2024-05-01 12:00:00.000000", "customers/42", "Zoë O'Brien"}};
  const std::string token = EncodePageToken(cursor, Fingerprint());
  EXPECT_EQ(DecodePageToken(token, Fingerprint()).value(), cursor);
}

TEST(PageTokenTest, RoundTripsKeysWithEveryByteValue) {
  PageCursor cursor;
  std::string every_byte;
  for (int b = 0; b < 256; ++b) {
    every_byte.push_back(static_cast<char>(b));
    cursor.keys.push_back(std::string(1, static_cast<char>(b)));
  }
  cursor.keys.push_back(every_byte);
  cursor.keys.push_back("");
  cursor.keys.push_back(std::string(100000, '\xFF'));
  const absl::StatusOr<PageCursor> decoded =
      DecodePageToken(EncodePageToken(cursor, Fingerprint()), Fingerprint());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, cursor);
}

TEST(PageTokenTest, RoundTripsEmptyCursorAndEmptyKeys) {
  EXPECT_THAT(DecodePageToken(EncodePageToken({}, Fingerprint()), Fingerprint())->keys,
              ElementsAre());
  EXPECT_THAT(DecodePageToken(EncodePageToken({{"", ""}}, Fingerprint()), Fingerprint())->keys,
              ElementsAre("", ""));
}

TEST(PageTokenTest, KeyBoundariesArePreserved) {
  // Different splits of the same bytes are different cursors.
  const std::string a = EncodePageToken({{"ab", "c"}}, Fingerprint());
  const std::string b = EncodePageToken({{"a", "bc"}}, Fingerprint());
  EXPECT_NE(a, b);
  EXPECT_THAT(DecodePageToken(a, Fingerprint())->keys, ElementsAre("ab", "c"));
  EXPECT_THAT(DecodePageToken(b, Fingerprint())->keys, ElementsAre("a", "bc"));
}

TEST(PageTokenTest, TokenIsUrlSafe) {
  const std::string token = EncodePageToken({{"\xFF\xFE/+=?&", "x"}}, Fingerprint());
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(token.find_first_not_of(kBase64Alphabet), std::string::npos) << token;
}

TEST(PageTokenTest, EmptyFingerprintIsAQueryLikeAnyOther) {
  const std::string token = EncodePageToken({{"1"}}, "");
  EXPECT_THAT(DecodePageToken(token, "")->keys, ElementsAre("1"));
  EXPECT_EQ(DecodePageToken(token, Fingerprint()).status().message(), kOtherQuery);
}

TEST(PageTokenTest, TokenFromAnotherQueryIsRejectedWithAHint) {
  const std::string token = EncodePageToken({{"42"}}, Fingerprint());
  for (const std::string& other : {
           PageQueryFingerprint({"customers", "tier = SILVER", "create_time desc"}),
           PageQueryFingerprint({"customers", "tier = GOLD", "create_time asc"}),
           PageQueryFingerprint({"suppliers", "tier = GOLD", "create_time desc"}),
           ""s,
       }) {
    const absl::StatusOr<PageCursor> cursor = DecodePageToken(token, other);
    ASSERT_FALSE(cursor.ok());
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(cursor.status().message(), kOtherQuery);
  }
}

TEST(PageTokenTest, FingerprintPartsAreUnambiguous) {
  EXPECT_NE(PageQueryFingerprint({"a", "bc"}), PageQueryFingerprint({"ab", "c"}));
  EXPECT_NE(PageQueryFingerprint({"", "x"}), PageQueryFingerprint({"x", ""}));
  EXPECT_NE(PageQueryFingerprint({"x"}), PageQueryFingerprint({"x", ""}));
  EXPECT_EQ(PageQueryFingerprint({"a", "b"}), PageQueryFingerprint({"a", "b"}));
  const std::string token = EncodePageToken({{"1"}}, PageQueryFingerprint({"a", "bc"}));
  EXPECT_EQ(DecodePageToken(token, PageQueryFingerprint({"ab", "c"})).status().message(),
            kOtherQuery);
}

TEST(PageTokenTest, EveryChangedCharacterIsRejected) {
  const std::string token = EncodePageToken({{"2024-05-01", "customers/42"}}, Fingerprint());
  for (size_t i = 0; i < token.size(); ++i) {
    for (char replacement : std::string(kBase64Alphabet) + "=+/ .\n\0\xC3"s) {
      if (replacement == token[i]) continue;
      std::string changed = token;
      changed[i] = replacement;
      ExpectCorrupted(changed);
    }
  }
}

TEST(PageTokenTest, EveryFlippedBitInTheDecodedBytesIsRejected) {
  const std::string bytes = DecodeBase64(EncodePageToken({{"k1", "k2"}}, Fingerprint()));
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = bytes;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      ExpectCorrupted(absl::WebSafeBase64Escape(changed));
    }
  }
}

TEST(PageTokenTest, TruncatedOrExtendedTokensAreRejected) {
  const std::string token = EncodePageToken({{"abc", "def"}}, Fingerprint());
  for (size_t length = 0; length < token.size(); ++length) {
    ExpectCorrupted(token.substr(0, length));
    ExpectCorrupted(token.substr(token.size() - length));
  }
  ExpectCorrupted(token + "A");
  ExpectCorrupted(token + "AAAA");
  ExpectCorrupted(token + "=");
  ExpectCorrupted(token + token);
  ExpectCorrupted(" " + token);
}

TEST(PageTokenTest, GarbageIsRejected) {
  for (const std::string& garbage : {
           "not a token"s,
           "!!!!"s,
           "===="s,
           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"s,
           "'; DROP TABLE customers; --"s,
           "\0\0\0\0"s,
           "\xC3\xA9\xC3\xA9"s,
           std::string(10000, 'A'),
           absl::WebSafeBase64Escape(std::string(64, '\x01')),
           absl::WebSafeBase64Escape("hello"),
       }) {
    ExpectCorrupted(garbage);
  }
}

TEST(PageTokenTest, ForgedPayloadsAreRejectedNotTrusted) {
  const std::string query_tag = Sha256("crm.page_token.v1.query" + Fingerprint()).substr(0, 8);
  const std::string header = "\x01"s + query_tag;
  // Sanity check of the forging helper: a well-formed forged payload decodes.
  EXPECT_THAT(
      DecodePageToken(ForgeToken(header + BigEndian32(1) + BigEndian32(2) + "ok"), Fingerprint())
          ->keys,
      ElementsAre("ok"));

  for (const std::string& payload : {
           ""s,                                                      // nothing at all
           "\x02"s + query_tag + BigEndian32(0),                     // unknown version
           "\x00"s + query_tag + BigEndian32(0),                     // unknown version
           header,                                                   // no key count
           header + BigEndian32(1),                                  // key missing
           header + BigEndian32(0xFFFFFFFF),                         // absurd key count
           header + BigEndian32(1) + BigEndian32(0xFFFFFFFF) + "x",  // key longer than token
           header + BigEndian32(1) + BigEndian32(3) + "ab",          // key cut short
           header + BigEndian32(1) + BigEndian32(1) + "ab",          // trailing bytes
           header + BigEndian32(0) + "x",                            // trailing bytes
       }) {
    ExpectCorrupted(ForgeToken(payload));
  }
}

TEST(NormalizePageSizeTest, AppliesDefaultAndMaximum) {
  EXPECT_EQ(NormalizePageSize(0).value(), 50);
  EXPECT_EQ(NormalizePageSize(1).value(), 1);
  EXPECT_EQ(NormalizePageSize(50).value(), 50);
  EXPECT_EQ(NormalizePageSize(999).value(), 999);
  EXPECT_EQ(NormalizePageSize(1000).value(), 1000);
  EXPECT_EQ(NormalizePageSize(1001).value(), 1000);
  EXPECT_EQ(NormalizePageSize(std::numeric_limits<int32_t>::max()).value(), 1000);
}

TEST(NormalizePageSizeTest, RejectsNegativeSizes) {
  for (int32_t size : {-1, -50, std::numeric_limits<int32_t>::min()}) {
    const absl::StatusOr<int> normalized = NormalizePageSize(size);
    ASSERT_FALSE(normalized.ok());
    EXPECT_EQ(normalized.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(normalized.status().message(),
              "page_size: must not be negative (got " + std::to_string(size) + ")");
  }
}

}  // namespace
}  // namespace crm::common
