// LoyaltyService with the MySQL repository on a fresh TestDatabase.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/customer_svc/mysql/v005_fixture.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LoyaltyMySqlTest : public V005Test {
 protected:
  absl::StatusOr<v1::EarnLoyaltyPointsResponse> Earn(const std::string& customer, int64_t points,
                                                     const std::string& request_id = "",
                                                     const std::string& reason = "purchase") {
    v1::EarnLoyaltyPointsRequest request;
    request.set_customer(customer);
    request.set_points(points);
    request.set_reason(reason);
    request.set_reference(customer + "/purchases/9");
    request.set_request_id(request_id);
    v1::EarnLoyaltyPointsResponse response;
    absl::Status status = loyalty_.EarnLoyaltyPoints(call_, request, response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<v1::RedeemLoyaltyPointsResponse> Redeem(const std::string& customer,
                                                         int64_t points,
                                                         const std::string& request_id = "") {
    v1::RedeemLoyaltyPointsRequest request;
    request.set_customer(customer);
    request.set_points(points);
    request.set_reason("voucher");
    request.set_request_id(request_id);
    v1::RedeemLoyaltyPointsResponse response;
    absl::Status status = loyalty_.RedeemLoyaltyPoints(call_, request, response);
    if (!status.ok()) return status;
    return response;
  }

  v1::LoyaltyBalance Balance(const std::string& customer) {
    v1::GetLoyaltyBalanceRequest request;
    request.set_customer(customer);
    v1::GetLoyaltyBalanceResponse response;
    EXPECT_THAT(loyalty_.GetLoyaltyBalance(call_, request, response), IsOk());
    return response.balance();
  }
};

TEST_F(LoyaltyMySqlTest, EarnAndRedeemKeepALedgerAndABalance) {
  const std::string customer = NewCustomer("Acme");
  v1::LoyaltyBalance empty = Balance(customer);
  EXPECT_EQ(empty.customer(), customer);
  EXPECT_EQ(empty.balance_points(), 0);
  EXPECT_FALSE(empty.has_update_time());

  absl::StatusOr<v1::EarnLoyaltyPointsResponse> earned =
      Earn(customer, 120, "", "Sommer-Aktion ✓ '); DROP TABLE loyalty_transactions; --");
  ASSERT_THAT(earned, IsOk());
  EXPECT_THAT(earned->transaction().name(), HasSubstr(customer + "/loyaltyTransactions/"));
  EXPECT_EQ(earned->transaction().kind(), v1::LOYALTY_TRANSACTION_KIND_EARN);
  EXPECT_EQ(earned->transaction().points(), 120);
  EXPECT_EQ(earned->transaction().balance_after_points(), 120);
  EXPECT_EQ(earned->transaction().reason(),
            "Sommer-Aktion ✓ '); DROP TABLE loyalty_transactions; --");
  EXPECT_EQ(earned->balance().balance_points(), 120);
  now_ += absl::Seconds(5);
  absl::StatusOr<v1::RedeemLoyaltyPointsResponse> redeemed = Redeem(customer, 45);
  ASSERT_THAT(redeemed, IsOk());
  EXPECT_EQ(redeemed->transaction().points(), -45);
  EXPECT_EQ(redeemed->transaction().balance_after_points(), 75);
  EXPECT_EQ(redeemed->balance().balance_points(), 75);
  EXPECT_EQ(redeemed->balance().lifetime_earned_points(), 120);
  EXPECT_EQ(redeemed->balance().lifetime_redeemed_points(), 45);

  v1::LoyaltyBalance balance = Balance(customer);
  EXPECT_EQ(balance.SerializeAsString(), redeemed->balance().SerializeAsString());
  EXPECT_EQ(balance.update_time().seconds(), absl::ToUnixSeconds(now_));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource LIKE '" + customer +
                  "/loyaltyTransactions/%'"),
            2);
}

TEST_F(LoyaltyMySqlTest, RedeemingMoreThanTheBalanceIsRejectedAndWritesNothing) {
  const std::string customer = NewCustomer("Acme");
  ASSERT_THAT(Earn(customer, 40), IsOk());
  const int64_t entries = Count("SELECT COUNT(*) FROM loyalty_transactions");
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_entries");
  absl::StatusOr<v1::RedeemLoyaltyPointsResponse> redeemed = Redeem(customer, 41, "redeem-1");
  EXPECT_EQ(redeemed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(redeemed.status().message()), HasSubstr("balance of 40 points"));
  EXPECT_THAT(std::string(redeemed.status().message()), HasSubstr("redeem 41 points"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM loyalty_transactions"), entries);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), audits);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM idempotency_records"), 0);
  EXPECT_EQ(Balance(customer).balance_points(), 40);
  // The failure stored nothing, so the same request_id can succeed later.
  ASSERT_THAT(Earn(customer, 1), IsOk());
  ASSERT_THAT(Redeem(customer, 41, "redeem-1"), IsOk());
  EXPECT_EQ(Balance(customer).balance_points(), 0);
}

TEST_F(LoyaltyMySqlTest, ConcurrentRedeemsNeverTakeTheBalanceBelowZero) {
  const std::string customer = NewCustomer("Acme");
  ASSERT_THAT(Earn(customer, 100), IsOk());
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 3; ++j) {
        absl::StatusOr<v1::RedeemLoyaltyPointsResponse> redeemed = Redeem(
            customer, 5 + (i + j) % 3 * 5, "r-" + std::to_string(i) + "-" + std::to_string(j));
        if (redeemed.ok()) {
          ++succeeded;
        } else if (redeemed.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << redeemed.status();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(succeeded.load(), 0);
  EXPECT_GT(refused.load(), 0);  // 24 redeems of 5-15 points cannot all fit in 100
  EXPECT_EQ(Count("SELECT COUNT(*) FROM loyalty_transactions WHERE balance_after_points < 0"), 0);
  const int64_t sum = Count("SELECT SUM(points) FROM loyalty_transactions");
  EXPECT_GE(sum, 0);
  EXPECT_EQ(Balance(customer).balance_points(), sum);
  // Each entry's balance_after equals the running sum: no lost update.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM loyalty_transactions t WHERE t.balance_after_points <> "
                  "(SELECT SUM(u.points) FROM loyalty_transactions u WHERE u.customer_id = "
                  "t.customer_id AND u.id <= t.id)"),
            0);
}

TEST_F(LoyaltyMySqlTest, ReplayedRequestIdBooksOnce) {
  const std::string customer = NewCustomer("Acme");
  absl::StatusOr<v1::EarnLoyaltyPointsResponse> first = Earn(customer, 10, "earn-1");
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::EarnLoyaltyPointsResponse> replay = Earn(customer, 10, "earn-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(first->transaction().request_id(), "earn-1");
  EXPECT_EQ(Balance(customer).balance_points(), 10);
  EXPECT_EQ(Earn(customer, 11, "earn-1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Balance(customer).balance_points(), 10);
}

TEST_F(LoyaltyMySqlTest, InvalidBookingsNameTheField) {
  const std::string customer = NewCustomer("Acme");
  EXPECT_THAT(std::string(Earn(customer, 0).status().message()), HasSubstr("points:"));
  EXPECT_THAT(std::string(Redeem(customer, -3).status().message()), HasSubstr("points:"));
  EXPECT_THAT(std::string(Earn(customer, 5, "", "").status().message()), HasSubstr("reason:"));
  EXPECT_THAT(std::string(Earn(customer, 5, "", std::string(201, 'r')).status().message()),
              HasSubstr("reason:"));
  EXPECT_THAT(std::string(Earn(customer, 5, "", std::string(10 * 1024, 'r')).status().message()),
              HasSubstr("reason:"));
  EXPECT_THAT(std::string(Earn(customer, 5, "bad id!").status().message()),
              HasSubstr("request_id"));
  EXPECT_THAT(std::string(Earn("suppliers/1", 5).status().message()), HasSubstr("customer:"));
  v1::EarnLoyaltyPointsRequest bad_reference;
  bad_reference.set_customer(customer);
  bad_reference.set_points(1);
  bad_reference.set_reason("x");
  bad_reference.set_reference("not a resource");
  v1::EarnLoyaltyPointsResponse response;
  absl::Status status = loyalty_.EarnLoyaltyPoints(call_, bad_reference, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("reference:"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM loyalty_transactions"), 0);

  absl::Status missing = Earn("customers/777777", 5).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("customers/777777"));
  v1::GetLoyaltyBalanceRequest get;
  get.set_customer("customers/777777");
  v1::GetLoyaltyBalanceResponse got;
  EXPECT_EQ(loyalty_.GetLoyaltyBalance(call_, get, got).code(), absl::StatusCode::kNotFound);
  const std::string gone = NewCustomer("Gone");
  ASSERT_THAT(DeleteCustomer(gone), IsOk());
  EXPECT_EQ(Earn(gone, 5).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(LoyaltyMySqlTest, ListIsNewestFirstPagedAndFiltered) {
  const std::string customer = NewCustomer("Acme");
  const std::string other = NewCustomer("Other");
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<v1::EarnLoyaltyPointsResponse> earned = Earn(customer, 10 + i);
    ASSERT_THAT(earned, IsOk());
    names.push_back(earned->transaction().name());
    now_ += absl::Seconds(1);
  }
  absl::StatusOr<v1::RedeemLoyaltyPointsResponse> redeemed = Redeem(customer, 3);
  ASSERT_THAT(redeemed, IsOk());
  ASSERT_THAT(Earn(other, 99), IsOk());

  std::vector<std::string> listed;
  std::string token;
  do {
    v1::ListLoyaltyTransactionsRequest request;
    request.set_parent(customer);
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListLoyaltyTransactionsResponse page;
    ASSERT_THAT(loyalty_.ListLoyaltyTransactions(call_, request, page), IsOk());
    EXPECT_LE(page.loyalty_transactions_size(), 2);
    for (const auto& t : page.loyalty_transactions()) listed.push_back(t.name());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(listed, ElementsAre(redeemed->transaction().name(), names[4], names[3], names[2],
                                  names[1], names[0]));

  v1::ListLoyaltyTransactionsRequest filtered;
  filtered.set_parent(customer);
  filtered.set_filter("kind = REDEEM");
  v1::ListLoyaltyTransactionsResponse redeems;
  ASSERT_THAT(loyalty_.ListLoyaltyTransactions(call_, filtered, redeems), IsOk());
  ASSERT_EQ(redeems.loyalty_transactions_size(), 1);
  EXPECT_EQ(redeems.loyalty_transactions(0).points(), -3);
  filtered.set_filter("points > 3");
  EXPECT_EQ(loyalty_.ListLoyaltyTransactions(call_, filtered, redeems).code(),
            absl::StatusCode::kInvalidArgument);
  filtered.set_filter("");
  filtered.set_page_token("nonsense");
  EXPECT_EQ(loyalty_.ListLoyaltyTransactions(call_, filtered, redeems).code(),
            absl::StatusCode::kInvalidArgument);
  filtered.set_page_token("");
  filtered.set_parent("customers/888888");
  EXPECT_EQ(loyalty_.ListLoyaltyTransactions(call_, filtered, redeems).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crm::customer
