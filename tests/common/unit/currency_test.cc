#include "common/api/currency.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::StartsWith;

TEST(CurrencyTest, AcceptsActiveIsoCodes) {
  for (const char* code :
       {"USD", "EUR", "JPY", "CHF", "GBP", "CNY", "INR", "BRL", "KWD", "BHD", "CLF",
        "UYW", "XAF", "XOF", "XPF", "XCD", "ZAR", "SLE", "VES", "ZWG", "XCG"}) {
    EXPECT_TRUE(ValidateCurrencyCode("purchase.currency_code", code).ok()) << code;
  }
}

TEST(CurrencyTest, RejectsUnknownAndNonMonetaryCodes) {
  EXPECT_EQ(ValidateCurrencyCode("purchase.currency_code", "XYZ").message(),
            "purchase.currency_code: must be an ISO-4217 currency code such as USD (got \"XYZ\")");
  EXPECT_EQ(ValidateCurrencyCode("purchase.currency_code", "").message(),
            "purchase.currency_code: must be set");
  for (const std::string& code : {
           "usd"s,
           "Usd"s,
           "US"s,
           "USDD"s,
           " USD"s,
           "USD "s,
           "US$"s,
           "$"s,
           "\xE2\x82\xAC"s,
           "840"s,  // numeric code
           "XAU"s,
           "XAG"s,
           "XPT"s,
           "XPD"s,  // metals: no minor unit
           "XDR"s,
           "XTS"s,
           "XXX"s,
           "XBA"s,  // not money
           "BTC"s,
           "DEM"s,
           "FRF"s,  // never ISO / long withdrawn
           "US\0"s,
           "'; DROP TABLE x; --"s,
           std::string(10000, 'U'),
       }) {
    const absl::Status status = ValidateCurrencyCode("purchase.currency_code", code);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << testing::PrintToString(code);
    EXPECT_THAT(std::string(status.message()), StartsWith("purchase.currency_code: "));
    EXPECT_LT(status.message().size(), 200u);
  }
}

TEST(CurrencyTest, MinorUnitsFollowIso4217) {
  EXPECT_EQ(CurrencyMinorUnits("USD"), 2);
  EXPECT_EQ(CurrencyMinorUnits("EUR"), 2);
  EXPECT_EQ(CurrencyMinorUnits("JPY"), 0);
  EXPECT_EQ(CurrencyMinorUnits("KRW"), 0);
  EXPECT_EQ(CurrencyMinorUnits("CLP"), 0);
  EXPECT_EQ(CurrencyMinorUnits("ISK"), 0);
  EXPECT_EQ(CurrencyMinorUnits("XOF"), 0);
  EXPECT_EQ(CurrencyMinorUnits("KWD"), 3);
  EXPECT_EQ(CurrencyMinorUnits("BHD"), 3);
  EXPECT_EQ(CurrencyMinorUnits("TND"), 3);
  EXPECT_EQ(CurrencyMinorUnits("CLF"), 4);
  EXPECT_EQ(CurrencyMinorUnits("XYZ"), std::nullopt);
  EXPECT_EQ(CurrencyMinorUnits("usd"), std::nullopt);
  EXPECT_EQ(CurrencyMinorUnits(""), std::nullopt);
}

}  // namespace
}  // namespace crm::common
