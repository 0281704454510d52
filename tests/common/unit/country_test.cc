#include "common/api/country.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::StartsWith;

TEST(CountryCodeTest, AcceptsAssignedAlpha2Codes) {
  for (const char* code :
       {"US", "DE", "GB", "FR", "JP", "CN", "IN", "BR", "CH", "AD", "ZW", "SS", "CW", "AX", "AQ"}) {
    EXPECT_TRUE(ValidateCountryCode("customer.country_code", code).ok()) << code;
  }
}

TEST(CountryCodeTest, RejectsEverythingElse) {
  EXPECT_EQ(ValidateCountryCode("customer.country_code", "").message(),
            "customer.country_code: must be set");
  EXPECT_EQ(ValidateCountryCode("customer.country_code", "UK").message(),
            "customer.country_code: must be an ISO-3166 alpha-2 country code such as US or DE "
            "(got \"UK\")");
  for (const std::string& code : {
           "us"s,
           "Us"s,
           "USA"s,
           "U"s,
           "840"s,
           "XK"s /* user-assigned */,
           "EU"s,
           "ZZ"s,
           "AA"s,
           "U S"s,
           " US"s,
           "U\0"s,
           "\xC3\x9C"
           "S"s,
           "'; DROP TABLE x; --"s,
           std::string(10000, 'D'),
       }) {
    const absl::Status status = ValidateCountryCode("customer.country_code", code);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << testing::PrintToString(code);
    EXPECT_THAT(std::string(status.message()), StartsWith("customer.country_code: "));
    EXPECT_LT(status.message().size(), 200u);
  }
}

}  // namespace
}  // namespace crm::common
