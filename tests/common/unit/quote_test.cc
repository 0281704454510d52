#include "common/api/quote.h"

#include <gtest/gtest.h>

#include <string>

#include "common/api/utf8.h"

namespace crm::common {
namespace {

using namespace std::string_literals;

TEST(QuoteValueTest, WrapsPlainTextInQuotes) {
  EXPECT_EQ(QuoteValue("customers/42"), "\"customers/42\"");
  EXPECT_EQ(QuoteValue(""), "\"\"");
}

TEST(QuoteValueTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(QuoteValue("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(QuoteValue("a\\b"), R"("a\\b")");
  EXPECT_EQ(QuoteValue("line1\nline2\r\tx"), R"("line1\nline2\r\tx")");
  EXPECT_EQ(QuoteValue("nul\0x"s), R"("nul\u{0}x")");
  EXPECT_EQ(QuoteValue("\x1B[31m"), R"("\u{1B}[31m")");
  EXPECT_EQ(QuoteValue("\x7F"), R"("\u{7F}")");
  EXPECT_EQ(QuoteValue("\xC2\x85"), R"("\u{85}")");        // NEL
  EXPECT_EQ(QuoteValue("\xE2\x80\xA8"), R"("\u{2028}")");  // line separator
}

TEST(QuoteValueTest, EscapesInvisibleAndBidirectionalCharacters) {
  EXPECT_EQ(QuoteValue("ab\xE2\x80\x8B"
                       "c"),
            R"("ab\u{200B}c")");  // zero-width space
  EXPECT_EQ(QuoteValue("\xE2\x80\xAE"
                       "cba"),
            R"("\u{202E}cba")");  // right-to-left override
  EXPECT_EQ(QuoteValue("\xE2\x81\xA6"
                       "x"),
            R"("\u{2066}x")");  // left-to-right isolate
  EXPECT_EQ(QuoteValue("\xEF\xBB\xBF"
                       "x"),
            R"("\u{FEFF}x")");  // byte order mark
}

TEST(QuoteValueTest, KeepsPrintableUnicode) {
  EXPECT_EQ(QuoteValue("Jos\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"),
            "\"Jos\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80\"");
}

TEST(QuoteValueTest, EscapesIllFormedBytesSoTheResultIsValidUtf8) {
  EXPECT_EQ(QuoteValue("a\xFF"
                       "b\xC0\xAF"),
            R"("a\xFFb\xC0\xAF")");
  EXPECT_EQ(QuoteValue("\xED\xA0\x80"), R"("\xED\xA0\x80")");  // surrogate
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  for (size_t start = 0; start < every_byte.size(); start += 32) {
    const std::string quoted = QuoteValue(every_byte.substr(start, 32));
    EXPECT_EQ(FindInvalidUtf8(quoted), std::nullopt) << quoted;
    EXPECT_EQ(quoted.find('\n'), std::string::npos);
  }
}

TEST(QuoteValueTest, CutsLongValuesAfterALimitOfCodePoints) {
  EXPECT_EQ(QuoteValue(std::string(kMaxQuotedCodePoints, 'a')),
            "\"" + std::string(kMaxQuotedCodePoints, 'a') + "\"");
  EXPECT_EQ(QuoteValue(std::string(kMaxQuotedCodePoints + 1, 'a')),
            "\"" + std::string(kMaxQuotedCodePoints, 'a') + "...\"");
  std::string long_unicode;
  for (int i = 0; i < 10000; ++i) long_unicode += "\xE2\x82\xAC";  // €
  const std::string quoted = QuoteValue(long_unicode);
  EXPECT_EQ(CountCodePoints(quoted), kMaxQuotedCodePoints + 5) << "quotes and ... added";
  EXPECT_EQ(FindInvalidUtf8(quoted), std::nullopt) << "never cut inside a character";
}

}  // namespace
}  // namespace crm::common
