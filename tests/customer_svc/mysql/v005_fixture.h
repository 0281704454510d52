// Shared fixture of the purchase, loyalty, referral and feedback storage
// tests: CustomerDbTest (every customer_svc migration, the customer service)
// plus the four services of V005.
#ifndef CRM_TESTS_CUSTOMER_SVC_MYSQL_V005_FIXTURE_H_
#define CRM_TESTS_CUSTOMER_SVC_MYSQL_V005_FIXTURE_H_

#include <string>

#include "customer_svc/domain/feedback_service.h"
#include "customer_svc/domain/loyalty_service.h"
#include "customer_svc/domain/purchase_service.h"
#include "customer_svc/domain/referral_service.h"
#include "customer_svc/repository/mysql_feedback_repository.h"
#include "customer_svc/repository/mysql_loyalty_repository.h"
#include "customer_svc/repository/mysql_purchase_repository.h"
#include "customer_svc/repository/mysql_referral_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {

class V005Test : public CustomerDbTest {
 protected:
  V005Test()
      : CustomerDbTest("sales"),
        purchase_repository_(pool_),
        loyalty_repository_(pool_),
        referral_repository_(pool_),
        feedback_repository_(pool_),
        purchases_(purchase_repository_, [this] { return now_; }),
        loyalty_(loyalty_repository_, [this] { return now_; }),
        referrals_(referral_repository_, [this] { return now_; }),
        feedback_(feedback_repository_, [this] { return now_; }) {}

  // A new customer's name ("customers/{id}"); the clock moves on a second.
  std::string NewCustomer(const std::string& display_name,
                          v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_UNSPECIFIED,
                          const std::string& account_manager = "") {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->set_lifecycle_stage(stage);
    v1::CreateCustomerResponse response;
    absl::Status status = customers_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    const std::string& name = response.customer().name();
    if (!account_manager.empty()) SetAccountManager(name, account_manager);
    return name;
  }

  absl::Status DeleteCustomer(const std::string& name) {
    v1::DeleteCustomerRequest request;
    request.set_name(name);
    v1::DeleteCustomerResponse response;
    return customers_.DeleteCustomer(call_, request, response);
  }

  MySqlPurchaseRepository purchase_repository_;
  MySqlLoyaltyRepository loyalty_repository_;
  MySqlReferralRepository referral_repository_;
  MySqlFeedbackRepository feedback_repository_;
  PurchaseService purchases_;
  LoyaltyService loyalty_;
  ReferralService referrals_;
  FeedbackService feedback_;
};

}  // namespace crm::customer

#endif  // CRM_TESTS_CUSTOMER_SVC_MYSQL_V005_FIXTURE_H_
