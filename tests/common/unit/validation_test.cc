#include "common/api/validation.h"

#include <gmock/gmock.h>
#include <google/protobuf/type.pb.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "common/api/utf8.h"

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Every rejection is INVALID_ARGUMENT, names the field first, and is a short
// single line of valid UTF-8 whatever the input was.
void ExpectRejected(const absl::Status& status, std::string_view field, std::string_view input) {
  const std::string shown = testing::PrintToString(std::string(input));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << shown;
  EXPECT_THAT(std::string(status.message()), StartsWith(std::string(field) + ": ")) << shown;
  EXPECT_EQ(status.message().find('\n'), absl::string_view::npos) << shown;
  EXPECT_EQ(FindInvalidUtf8(std::string(status.message())), std::nullopt) << shown;
  EXPECT_LT(status.message().size(), 400u) << shown;
}

const std::string kTenKilobytes(10 * 1024, 'a');

// ---- ValidateUtf8 ----------------------------------------------------------

TEST(ValidateUtf8Test, AcceptsWellFormedText) {
  for (const std::string& value :
       {""s, "plain"s, "Zo\xC3\xAB O'Brien"s, "\xE6\x9D\xB1\xE4\xBA\xAC"s, "\xF0\x9F\x98\x80"s,
        "tab\tand\nnewline"s, kTenKilobytes, "'; DROP TABLE customers; --"s}) {
    EXPECT_TRUE(ValidateUtf8("customer.notes", value).ok()) << testing::PrintToString(value);
  }
}

TEST(ValidateUtf8Test, RejectsIllFormedUtf8NamingTheByteOffset) {
  EXPECT_EQ(ValidateUtf8("customer.notes", "abc\xC0\xAF").message(),
            "customer.notes: is not valid UTF-8 (bad byte at offset 3)");
  for (const std::string& value :
       {"\xC0\xAF"s, "\xE0\x80\xAF"s, "\xED\xA0\x80"s, "\xED\xBF\xBF"s, "\xF4\x90\x80\x80"s,
        "ok\xC3"s, "\xE2\x82"s, "\x80"s, "\xFF"s, kTenKilobytes + "\xFE"}) {
    ExpectRejected(ValidateUtf8("customer.notes", value), "customer.notes", value);
  }
}

TEST(ValidateUtf8Test, RejectsNulBytes) {
  EXPECT_EQ(ValidateUtf8("customer.notes", "ab\0cd"s).message(),
            "customer.notes: must not contain NUL bytes (found at offset 2)");
  ExpectRejected(ValidateUtf8("f", "\0"s), "f", "\0"s);
}

// ---- ValidateLength / ValidateRequiredText -------------------------------

TEST(ValidateLengthTest, CountsCharactersNotBytes) {
  // 200 × "é" is 400 bytes but 200 characters.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(ValidateLength("customer.display_name", accents, 1, 200).ok());
  EXPECT_EQ(ValidateLength("customer.display_name", accents + "x", 1, 200).message(),
            "customer.display_name: must be at most 200 characters (got 201)");
}

TEST(ValidateLengthTest, MessagesSayWhatIsWrong) {
  EXPECT_EQ(ValidateLength("customer.display_name", "", 1, 200).message(),
            "customer.display_name: must not be empty");
  EXPECT_EQ(ValidateLength("customer.tax_id", "ab", 4, 20).message(),
            "customer.tax_id: must be at least 4 characters (got 2)");
  EXPECT_TRUE(ValidateLength("customer.notes", "", 0, 10).ok());
  EXPECT_TRUE(ValidateLength("customer.tax_id", "abcd", 4, 4).ok());
  ExpectRejected(ValidateLength("customer.notes", kTenKilobytes, 0, 5000), "customer.notes",
                 kTenKilobytes);
}

TEST(ValidateLengthTest, ChecksUtf8First) {
  EXPECT_THAT(std::string(ValidateLength("customer.notes", "a\xFF", 0, 10).message()),
              HasSubstr("UTF-8"));
  EXPECT_THAT(std::string(ValidateLength("customer.notes", "a\0"s, 0, 10).message()),
              HasSubstr("NUL"));
}

TEST(ValidateRequiredTextTest, AcceptsTextWithContent) {
  EXPECT_TRUE(ValidateRequiredText("customer.display_name", "Acme", 200).ok());
  EXPECT_TRUE(ValidateRequiredText("customer.display_name", "  Acme  ", 200).ok());
  EXPECT_TRUE(ValidateRequiredText("customer.display_name", "O'Brien \"Ltd\"", 200).ok());
}

TEST(ValidateRequiredTextTest, RejectsEmptyAndWhitespaceOnly) {
  EXPECT_EQ(ValidateRequiredText("customer.display_name", "", 200).message(),
            "customer.display_name: must not be empty");
  for (const std::string& blank :
       {" "s, "\t\n\r "s, "\xC2\xA0"s /* no-break space */, "\xE3\x80\x80"s /* ideographic space */,
        "\xE2\x80\x83 \xE2\x80\xA8"s /* em space, line separator */}) {
    EXPECT_EQ(ValidateRequiredText("customer.display_name", blank, 200).message(),
              "customer.display_name: must not be only whitespace")
        << testing::PrintToString(blank);
  }
}

TEST(ValidateRequiredTextTest, ChecksLengthAndEncoding) {
  EXPECT_EQ(ValidateRequiredText("customer.display_name", std::string(201, 'x'), 200).message(),
            "customer.display_name: must be at most 200 characters (got 201)");
  ExpectRejected(ValidateRequiredText("customer.display_name", kTenKilobytes, 200),
                 "customer.display_name", kTenKilobytes);
  EXPECT_THAT(
      std::string(ValidateRequiredText("customer.display_name", "Acme\xC0\x80", 200).message()),
      HasSubstr("not valid UTF-8"));
  EXPECT_THAT(std::string(ValidateRequiredText("customer.display_name", "Acme\0"s, 200).message()),
              HasSubstr("NUL"));
}

// ---- ValidateEmail ---------------------------------------------------------

TEST(ValidateEmailTest, AcceptsRealisticAddresses) {
  for (const std::string& email : {
           "ann@example.com"s,
           "Ann.Lee@Example.COM"s,
           "o'brien@example.ie"s,
           "first.last+tag@mail.example.co.uk"s,
           "x@a.io"s,
           "user_name-1@sub-domain.example.org"s,
           "a!#$%&'*+/=?^_`{|}~-z@example.com"s,
           "info@xn--mller-kva.de"s,  // müller.de in punycode
           std::string(64, 'a') + "@example.com",
       }) {
    EXPECT_TRUE(ValidateEmail("customer.email", email).ok())
        << email << ": " << ValidateEmail("customer.email", email);
  }
}

TEST(ValidateEmailTest, RejectsMalformedAddresses) {
  for (const std::string& email : {
           "plainaddress"s,
           "@example.com"s,
           "ann@"s,
           "ann@@example.com"s,
           "ann@bob@example.com"s,
           "ann@localhost"s,
           "ann@example"s,
           "ann@example..com"s,
           "ann@.example.com"s,
           "ann@example.com."s,
           "ann@-example.com"s,
           "ann@example-.com"s,
           "ann@exa_mple.com"s,
           "ann@example.123"s,
           "ann@192.168.0.1"s,
           "ann@[192.168.0.1]"s,
           "ann@" + std::string(64, 'a') + ".com",
           ".ann@example.com"s,
           "ann.@example.com"s,
           "an..n@example.com"s,
           "ann lee@example.com"s,
           "\"ann\"@example.com"s,
           "ann(comment)@example.com"s,
           "ann,bob@example.com"s,
           "ann@example.com "s,
           " ann@example.com"s,
           "ann@example.com\n"s,
           "ann@exa\0mple.com"s,
           "ann@example.com>"s,
           "<ann@example.com>"s,
           "Ann <ann@example.com>"s,
           "mailto:ann@example.com"s,
           "ann\\@example.com"s,
           "'; DROP TABLE customers; --@example.com"s,
           "ann@example.com'; DROP TABLE customers; --"s,
           "j\xC3\xBCrgen@example.de"s,  // non-ASCII local part
           "ann@m\xC3\xBCller.de"s,      // IDN not in punycode
           "ann@exa\xFFmple.com"s,
           std::string(65, 'a') + "@example.com",
           "a@" + std::string(250, 'b') + ".com",
           kTenKilobytes,
       }) {
    ExpectRejected(ValidateEmail("customer.email", email), "customer.email", email);
  }
}

TEST(ValidateEmailTest, MessagesExplainTheProblem) {
  EXPECT_EQ(ValidateEmail("customer.email", "").message(), "customer.email: must not be empty");
  EXPECT_EQ(ValidateEmail("customer.email", "ann.example.com").message(),
            "customer.email: must be an email address like name@example.com (it must contain "
            "exactly one @)");
  EXPECT_EQ(ValidateEmail("customer.email", "ann@bob@example.com").message(),
            "customer.email: must be an email address like name@example.com (it must contain "
            "exactly one @)");
  EXPECT_EQ(ValidateEmail("customer.email", "ann lee@example.com").message(),
            "customer.email: must be an email address like name@example.com (the part before @ "
            "may not contain \" \")");
  EXPECT_EQ(ValidateEmail("customer.email", "ann@exa_mple.com").message(),
            "customer.email: must be an email address like name@example.com (after the @: label "
            "\"exa_mple\" has \"_\"; labels may contain only letters, digits and hyphens)");
  EXPECT_THAT(std::string(ValidateEmail("customer.email", "ann@m\xC3\xBCller.de").message()),
              HasSubstr("punycode"));
  EXPECT_EQ(ValidateEmail("customer.email", kTenKilobytes).message(),
            "customer.email: must be at most 254 characters (got 10240)");
}

TEST(ValidateEmailTest, OptionalVariantAcceptsEmptyOnly) {
  EXPECT_TRUE(ValidateOptionalEmail("customer.email", "").ok());
  EXPECT_TRUE(ValidateOptionalEmail("customer.email", "ann@example.com").ok());
  ExpectRejected(ValidateOptionalEmail("customer.email", " "), "customer.email", " ");
  ExpectRejected(ValidateOptionalEmail("customer.email", "ann"), "customer.email", "ann");
}

// ---- ValidatePhone / NormalizePhone ----------------------------------------

TEST(ValidatePhoneTest, AcceptsInternationalNumbersWithCommonSeparators) {
  const struct {
    std::string input;
    std::string normalized;
  } cases[] = {
      {"+14155550123", "+14155550123"},
      {"+1 (415) 555-0123", "+14155550123"},
      {"+44 20 7946 0958", "+442079460958"},
      {"+49-30-1234567", "+49301234567"},
      {"+33.1.23.45.67.89", "+33123456789"},
      {"+81 3-1234-5678", "+81312345678"},
      {"+12345678", "+12345678"},                // 8 digits, the shortest
      {"+123456789012345", "+123456789012345"},  // 15 digits, the longest
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(ValidatePhone("customer.phone", c.input).ok())
        << c.input << ": " << ValidatePhone("customer.phone", c.input);
    EXPECT_EQ(NormalizePhone(c.input), c.normalized);
  }
}

TEST(ValidatePhoneTest, RejectsNumbersThatAreNotE164) {
  for (const std::string& phone : {
           "4155550123"s,            // no country code
           "001 415 555 0123"s,      // international prefix instead of +
           "(+44) 20 7946 0958"s,    // + not first
           "+44 (0) 20 7946 0958"s,  // trunk prefix
           "+1234567"s,              // 7 digits
           "+1234567890123456"s,     // 16 digits
           "+0 415 555 0123"s,       // country codes never start with 0
           "+1 415 555 0123 ext. 7"s,
           "+1 415 555 0123 x7"s,
           "+1+4155550123"s,
           "++14155550123"s,
           "+1 (415 555-0123"s,
           "+1 415) 555-0123"s,
           "+1 ((415)) 555-0123"s,
           "+1/415/555/0123"s,
           "+1_415_555_0123"s,
           "+1\t415\t555\t0123"s,
           "+\xEF\xBC\x91\xEF\xBC\x94\xEF\xBC\x91\xEF\xBC\x95\xEF\xBC\x95\xEF\xBC\x95\xEF\xBC\x95"
           "\xEF\xBC\x90\xEF\xBC\x91"s,  // fullwidth digits
           "+1 415 555 0123\0"s,
           "+1415555\xFF"
           "0123"s,
           "+"s,
           " +14155550123"s,
           "+1'; DROP TABLE x; --"s,
           "+1 " + std::string(40, '5'),
           "+1" + std::string(40, ' ') + "4155550123",
           kTenKilobytes,
       }) {
    ExpectRejected(ValidatePhone("customer.phone", phone), "customer.phone", phone);
    EXPECT_EQ(NormalizePhone(phone), "") << testing::PrintToString(phone);
  }
}

TEST(ValidatePhoneTest, MessagesExplainTheProblem) {
  EXPECT_EQ(ValidatePhone("customer.phone", "").message(), "customer.phone: must not be empty");
  EXPECT_EQ(ValidatePhone("customer.phone", "4155550123").message(),
            "customer.phone: must be an international number starting with + and the country "
            "code, like +14155550123");
  EXPECT_THAT(std::string(ValidatePhone("customer.phone", "+44 (0) 20 7946 0958").message()),
              HasSubstr("trunk prefix \"(0)\""));
  EXPECT_EQ(ValidatePhone("customer.phone", "+1234567").message(),
            "customer.phone: must have 8 to 15 digits after the + (got 7)");
  EXPECT_EQ(ValidatePhone("customer.phone", "+1 415 555 0123 x7").message(),
            "customer.phone: may contain only digits, a leading +, spaces, dashes, dots and "
            "parentheses (found \"x\")");
}

TEST(ValidatePhoneTest, OptionalVariantAcceptsEmptyOnly) {
  EXPECT_TRUE(ValidateOptionalPhone("customer.phone", "").ok());
  EXPECT_TRUE(ValidateOptionalPhone("customer.phone", "+14155550123").ok());
  ExpectRejected(ValidateOptionalPhone("customer.phone", "555"), "customer.phone", "555");
}

// ---- ValidateEnum ------------------------------------------------------------

TEST(ValidateEnumTest, AcceptsDefinedValues) {
  const auto& kind = *google::protobuf::Field::Kind_descriptor();
  EXPECT_TRUE(ValidateEnum("field.kind", google::protobuf::Field::TYPE_STRING, kind).ok());
  EXPECT_TRUE(ValidateEnum("field.kind", google::protobuf::Field::TYPE_SINT64, kind).ok());
}

TEST(ValidateEnumTest, ZeroMeansUnsetAndIsRejectedUnlessAllowed) {
  const auto& kind = *google::protobuf::Field::Kind_descriptor();
  EXPECT_EQ(ValidateEnum("customer.tier", 0, kind).message(), "customer.tier: must be set");
  EXPECT_TRUE(ValidateEnum("customer.tier", 0, kind, /*allow_unspecified=*/true).ok());
}

TEST(ValidateEnumTest, UndefinedValuesListTheChoices) {
  const auto& syntax = *google::protobuf::Syntax_descriptor();
  EXPECT_EQ(ValidateEnum("type.syntax", 7, syntax, /*allow_unspecified=*/true).message(),
            "type.syntax: 7 is not a valid google.protobuf.Syntax value (expected one of "
            "SYNTAX_PROTO2, SYNTAX_PROTO3)");
  EXPECT_EQ(ValidateEnum("type.syntax", -1, syntax).message(),
            "type.syntax: -1 is not a valid google.protobuf.Syntax value (expected one of "
            "SYNTAX_PROTO3)");
  const auto& kind = *google::protobuf::Field::Kind_descriptor();
  for (int value :
       {19, 100, -5, std::numeric_limits<int>::max(), std::numeric_limits<int>::min()}) {
    ExpectRejected(ValidateEnum("field.kind", value, kind), "field.kind", std::to_string(value));
  }
}

// ---- ValidateRange -----------------------------------------------------------

TEST(ValidateRangeTest, BoundsAreInclusive) {
  EXPECT_TRUE(ValidateRange("case.csat", 1, 1, 5).ok());
  EXPECT_TRUE(ValidateRange("case.csat", 5, 1, 5).ok());
  EXPECT_EQ(ValidateRange("case.csat", 0, 1, 5).message(),
            "case.csat: must be between 1 and 5 (got 0)");
  EXPECT_EQ(ValidateRange("case.csat", 6, 1, 5).message(),
            "case.csat: must be between 1 and 5 (got 6)");
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_TRUE(ValidateRange("n", kMin, kMin, kMax).ok());
  EXPECT_TRUE(ValidateRange("n", kMax, kMin, kMax).ok());
  ExpectRejected(ValidateRange("n", kMin, kMin + 1, kMax), "n", "min");
}

// ---- ValidateDomain / NormalizeDomain ---------------------------------------

TEST(ValidateDomainTest, AcceptsWebDomainsInAnyCase) {
  for (const std::string& domain :
       {"example.com"s, "Example.COM"s, "sub.example.co.uk"s, "a-b.example"s, "x.io"s,
        "xn--mller-kva.de"s, "123.example.com"s, std::string(63, 'a') + ".com"}) {
    EXPECT_TRUE(ValidateDomain("customer.web_domain", domain).ok())
        << domain << ": " << ValidateDomain("customer.web_domain", domain);
  }
}

TEST(ValidateDomainTest, RejectsWhatIsNotABareDomain) {
  for (const std::string& domain : {
           "example"s,
           "localhost"s,
           ".example.com"s,
           "example.com."s,
           "example..com"s,
           "-example.com"s,
           "example-.com"s,
           "exa_mple.com"s,
           "exa mple.com"s,
           "192.168.0.1"s,
           "https://example.com"s,
           "example.com/about"s,
           "example.com:8080"s,
           "ann@example.com"s,
           "m\xC3\xBCller.de"s,
           "example.com\n"s,
           "example\0.com"s,
           "\xFF.com"s,
           std::string(64, 'a') + ".com",
           std::string(250, 'a') + ".com",
           "'; DROP TABLE customers; --"s,
           kTenKilobytes,
       }) {
    ExpectRejected(ValidateDomain("customer.web_domain", domain), "customer.web_domain", domain);
  }
}

TEST(ValidateDomainTest, MessagesExplainTheProblem) {
  EXPECT_EQ(ValidateDomain("customer.web_domain", "").message(),
            "customer.web_domain: must not be empty");
  EXPECT_EQ(ValidateDomain("customer.web_domain", "https://example.com").message(),
            "customer.web_domain: must be a domain name like example.com (give the bare domain, "
            "without scheme, port or path)");
  EXPECT_EQ(ValidateDomain("customer.web_domain", "example").message(),
            "customer.web_domain: must be a domain name like example.com (it needs at least two "
            "labels separated by a dot)");
  EXPECT_EQ(ValidateDomain("customer.web_domain", "m\xC3\xBCller.de").message(),
            "customer.web_domain: must be a domain name like example.com (it has non-ASCII "
            "characters; write internationalized domains in punycode (xn--...))");
  const std::string label(63, 'a');
  const std::string too_long = label + "." + label + "." + label + "." + label + ".com";  // 259
  EXPECT_EQ(ValidateDomain("customer.web_domain", too_long).message(),
            "customer.web_domain: must be a domain name like example.com (the domain is longer "
            "than 253 characters)");
  EXPECT_TRUE(
      ValidateDomain("customer.web_domain", label + "." + label + "." + label + ".com").ok());
  EXPECT_EQ(ValidateDomain("customer.web_domain", "-x.com").message(),
            "customer.web_domain: must be a domain name like example.com (label \"-x\" starts or "
            "ends with a hyphen)");
}

TEST(NormalizeDomainTest, LowercasesAsciiOnly) {
  EXPECT_EQ(NormalizeDomain("Example.COM"), "example.com");
  EXPECT_EQ(NormalizeDomain("xn--Mller-KVA.de"), "xn--mller-kva.de");
  EXPECT_EQ(NormalizeDomain("example.com"), "example.com");
}

// ---- ValidateRequestId -----------------------------------------------------

TEST(ValidateRequestIdTest, AcceptsEmptyUuidsAndSimpleKeys) {
  for (const std::string& id :
       {""s, "550e8400-e29b-41d4-a716-446655440000"s, "01ARZ3NDEKTSV4RRFFQ69G5FAV"s,
        "import:2024-05-01.batch_7"s, std::string(128, 'a')}) {
    EXPECT_TRUE(ValidateRequestId("request_id", id).ok()) << id;
  }
}

TEST(ValidateRequestIdTest, RejectsOtherCharactersAndLongIds) {
  EXPECT_EQ(ValidateRequestId("request_id", std::string(129, 'a')).message(),
            "request_id: must be at most 128 characters (got 129)");
  EXPECT_EQ(ValidateRequestId("request_id", "abc def").message(),
            "request_id: may contain only letters, digits and . _ : - (found \" \" at offset 3)");
  EXPECT_EQ(ValidateRequestId("request_id", "id-\xC3\xA9").message(),
            "request_id: may contain only letters, digits and . _ : - (found \"\xC3\xA9\" at "
            "offset 3)");
  for (const std::string& id : {"a/b"s, "a+b"s, "{uuid}"s, "a\nb"s, "a\0b"s, "a\xFF"s,
                                "'; DROP TABLE x; --"s, kTenKilobytes}) {
    ExpectRejected(ValidateRequestId("request_id", id), "request_id", id);
  }
}

// ---- Validator ---------------------------------------------------------------

TEST(ValidatorTest, OkWhenEveryCheckPasses) {
  Validator v;
  v.Check(ValidateEmail("customer.email", "ann@example.com"));
  v.Check(ValidatePhone("customer.phone", "+14155550123"));
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.status().ok());
}

TEST(ValidatorTest, KeepsTheFirstFailure) {
  Validator v;
  v.Check(ValidateEmail("customer.email", "ann@example.com"));
  v.Check(ValidatePhone("customer.phone", "555"));
  v.Check(ValidateEmail("customer.email", "broken"));
  v.Check(absl::OkStatus());
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(v.status().message()), StartsWith("customer.phone: "));
}

TEST(ValidatorTest, NoChecksIsOk) { EXPECT_TRUE(Validator().status().ok()); }

}  // namespace
}  // namespace crm::common
