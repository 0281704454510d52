#include "common/api/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace crm::common {
namespace {

using namespace std::string_literals;

TEST(Utf8Test, DecodesEveryEncodingLength) {
  EXPECT_EQ(DecodeUtf8("A", 0).code_point, U'A');
  EXPECT_EQ(DecodeUtf8("A", 0).length, 1);
  EXPECT_EQ(DecodeUtf8("\xC3\xA9", 0).code_point, U'\u00E9');  // é
  EXPECT_EQ(DecodeUtf8("\xC3\xA9", 0).length, 2);
  EXPECT_EQ(DecodeUtf8("\xE2\x82\xAC", 0).code_point, U'\u20AC');  // €
  EXPECT_EQ(DecodeUtf8("\xE2\x82\xAC", 0).length, 3);
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0).code_point, U'\U0001F600');  // 😀
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0).length, 4);
  EXPECT_EQ(DecodeUtf8("\xF4\x8F\xBF\xBF", 0).code_point, U'\U0010FFFF');
  EXPECT_EQ(DecodeUtf8("x\xC3\xA9", 1).code_point, U'\u00E9');
}

TEST(Utf8Test, BoundariesOfEachLengthAreAccepted) {
  for (const std::string& text :
       {"\x7F"s, "\xC2\x80"s, "\xDF\xBF"s, "\xE0\xA0\x80"s, "\xEF\xBF\xBF"s,
        "\xED\x9F\xBF"s /* U+D7FF */, "\xEE\x80\x80"s /* U+E000 */, "\xF0\x90\x80\x80"s,
        "\xF4\x8F\xBF\xBF"s}) {
    EXPECT_EQ(FindInvalidUtf8(text), std::nullopt) << testing::PrintToString(text);
  }
  EXPECT_EQ(FindInvalidUtf8("\0"s), std::nullopt) << "NUL is valid UTF-8; callers reject it";
}

TEST(Utf8Test, IllFormedSequencesAreFoundAtTheirOffset) {
  const struct {
    std::string text;
    size_t offset;
  } cases[] = {
      {"\x80", 0},                  // stray continuation byte
      {"ab\xBF", 2},                // stray continuation byte after ASCII
      {"\xC0\xAF", 0},              // overlong '/'
      {"\xC1\xBF", 0},              // overlong
      {"\xE0\x80\xAF", 0},          // overlong 3-byte
      {"\xF0\x80\x80\xAF", 0},      // overlong 4-byte
      {"\xED\xA0\x80", 0},          // U+D800, a UTF-16 surrogate
      {"\xED\xBF\xBF", 0},          // U+DFFF
      {"\xF4\x90\x80\x80", 0},      // U+110000, above Unicode
      {"\xF5\x80\x80\x80", 0},      // lead byte that never occurs
      {"\xF8\x88\x80\x80\x80", 0},  // old 5-byte form
      {"\xFF", 0},
      {"\xFE", 0},
      {"ok\xC3", 2},        // truncated at the end
      {"\xE2\x82", 0},      // truncated 3-byte
      {"\xF0\x9F\x98", 0},  // truncated 4-byte
      {"\xC3(", 0},         // continuation byte missing
      {"\xE2\x28\xA1", 0},
      {"caf\xC3\xA9\xC3", 5},  // valid é, then truncated
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.text), c.offset) << testing::PrintToString(c.text);
    EXPECT_EQ(DecodeUtf8(c.text, c.offset).length, 0) << testing::PrintToString(c.text);
  }
}

TEST(Utf8Test, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("Jos\xC3\xA9"), 4u);
  EXPECT_EQ(CountCodePoints("\xE6\x9D\xB1\xE4\xBA\xAC"), 2u);  // 東京
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80!"), 2u);
  EXPECT_EQ(CountCodePoints("\xFF\xFE"), 2u) << "each ill-formed byte counts once";
}

}  // namespace
}  // namespace crm::common
