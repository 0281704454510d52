#include "common/api/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace crm::common {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

TEST(ValidateMoneyTest, AcceptsAmountsWithinTheLimitInAKnownCurrency) {
  EXPECT_TRUE(ValidateMoney("purchase.amount", 0, "USD").ok());
  EXPECT_TRUE(ValidateMoney("purchase.amount", 1999, "EUR").ok());
  EXPECT_TRUE(ValidateMoney("refund.amount", -1999, "EUR").ok());
  EXPECT_TRUE(ValidateMoney("purchase.amount", kMaxMoneyMinor, "JPY").ok());
  EXPECT_TRUE(ValidateMoney("purchase.amount", -kMaxMoneyMinor, "JPY").ok());
}

TEST(ValidateMoneyTest, RejectsUnknownCurrency) {
  const absl::Status status = ValidateMoney("purchase.amount", 100, "XYZ");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      status.message(),
      "purchase.amount: currency must be an ISO-4217 currency code such as USD (got \"XYZ\")");
  EXPECT_EQ(ValidateMoney("purchase.amount", 100, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateMoney("purchase.amount", 100, "usd").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateMoneyTest, RejectsAmountsBeyondTheLimit) {
  for (int64_t amount : {kMaxMoneyMinor + 1, -kMaxMoneyMinor - 1, kInt64Max, kInt64Min}) {
    const absl::Status status = ValidateMoney("purchase.amount", amount, "USD");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << amount;
    EXPECT_EQ(status.message(),
              "purchase.amount: amount must be between -9000000000000000 and 9000000000000000 "
              "minor units (got " +
                  std::to_string(amount) + ")");
  }
}

TEST(MultiplyMoneyTest, MultipliesExactly) {
  EXPECT_EQ(MultiplyMoney("line.quantity", 1999, 3).value(), 5997);
  EXPECT_EQ(MultiplyMoney("line.quantity", -1999, 3).value(), -5997);
  EXPECT_EQ(MultiplyMoney("line.quantity", 1999, 0).value(), 0);
  EXPECT_EQ(MultiplyMoney("line.quantity", kMaxMoneyMinor, 1).value(), kMaxMoneyMinor);
  EXPECT_EQ(MultiplyMoney("line.quantity", 3'000'000'000'000'000, 3).value(), kMaxMoneyMinor);
  EXPECT_EQ(MultiplyMoney("line.quantity", 3'000'000'000'000'000, -3).value(), -kMaxMoneyMinor);
}

TEST(MultiplyMoneyTest, ResultsBeyondTheLimitOrInt64AreRejectedNamingTheField) {
  const absl::StatusOr<int64_t> product = MultiplyMoney("line.quantity", 1'000'000'000, 10'000'000);
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(product.status().message(),
            "line.quantity: 1000000000 minor units times 10000000 is beyond the largest amount "
            "(9000000000000000 minor units)");
  for (const auto& [amount, quantity] :
       {std::pair{kMaxMoneyMinor, int64_t{2}},
        std::pair{int64_t{3'000'000'000'000'001}, int64_t{3}}, std::pair{kInt64Max, kInt64Max},
        std::pair{kInt64Min, int64_t{-1}}, std::pair{kInt64Min, int64_t{1}},
        std::pair{int64_t{-4'294'967'296}, int64_t{4'294'967'296}}}) {
    EXPECT_EQ(MultiplyMoney("line.quantity", amount, quantity).status().code(),
              absl::StatusCode::kInvalidArgument)
        << amount << " * " << quantity;
  }
}

}  // namespace
}  // namespace crm::common
