#include "customer_svc/handlers/customer_services.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "customer_svc/domain/insight_pricing.h"
#include "customer_svc/handlers/audit_handler.h"
#include "customer_svc/handlers/customer_handler.h"
#include "customer_svc/handlers/duplicate_handler.h"
#include "customer_svc/handlers/employee_handler.h"
#include "customer_svc/handlers/enps_handler.h"
#include "customer_svc/handlers/feedback_handler.h"
#include "customer_svc/handlers/insight_handler.h"
#include "customer_svc/handlers/interaction_handler.h"
#include "customer_svc/handlers/loyalty_handler.h"
#include "customer_svc/handlers/opportunity_handler.h"
#include "customer_svc/handlers/pricing_handler.h"
#include "customer_svc/handlers/purchase_handler.h"
#include "customer_svc/handlers/referral_handler.h"
#include "customer_svc/handlers/service_case_handler.h"
#include "customer_svc/handlers/win_back_handler.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "customer_svc/repository/mysql_duplicate_repository.h"
#include "customer_svc/repository/mysql_employee_repository.h"
#include "customer_svc/repository/mysql_enps_repository.h"
#include "customer_svc/repository/mysql_feedback_repository.h"
#include "customer_svc/repository/mysql_insight_repository.h"
#include "customer_svc/repository/mysql_interaction_repository.h"
#include "customer_svc/repository/mysql_loyalty_repository.h"
#include "customer_svc/repository/mysql_opportunity_repository.h"
#include "customer_svc/repository/mysql_pricing_repository.h"
#include "customer_svc/repository/mysql_purchase_repository.h"
#include "customer_svc/repository/mysql_referral_repository.h"
#include "customer_svc/repository/mysql_service_case_repository.h"
#include "customer_svc/repository/mysql_win_back_repository.h"

namespace crm::customer {

std::vector<common::FlagSpec> CustomerServiceFlags() {
  // 3: on two cores, 16 concurrent 5,000-row imports wrote 12,000 rows/s
  // unlimited (InnoDB latch contention doubled the database's CPU per row),
  // 18,000 with 2 at a time, 24,000-25,000 with 3 and 17,000-21,000 with 4.
  return {{"max_concurrent_imports",
           "ImportCustomers calls that write at the same time; the others wait for a slot", "3"}};
}

absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> MakeCustomerServices(
    common::MySqlPool& pool, common::CallRunner& runner, const common::ServiceConfig& config) {
  absl::StatusOr<int> max_concurrent_imports =
      common::ExtraIntFlag(config, "max_concurrent_imports", 1, 1000);
  if (!max_concurrent_imports.ok()) return max_concurrent_imports.status();
  // Each writing import holds a pooled connection: never more than the pool.
  *max_concurrent_imports = std::min(*max_concurrent_imports, config.db.pool_size);
  auto repository = std::make_shared<MySqlCustomerRepository>(pool);
  std::vector<std::unique_ptr<grpc::Service>> services;
  services.push_back(std::make_unique<CustomerHandler>(
      runner, repository, [] { return absl::Now(); }, *max_concurrent_imports));
  services.push_back(std::make_unique<AuditHandler>(runner, pool));
  services.push_back(std::make_unique<DuplicateHandler>(
      runner, std::make_shared<MySqlDuplicateRepository>(pool), repository,
      [] { return absl::Now(); }));
  services.push_back(std::make_unique<OpportunityHandler>(
      runner, std::make_shared<MySqlOpportunityRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<PricingHandler>(
      runner, std::make_shared<MySqlPricingRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<InsightHandler>(
      runner, std::make_shared<MySqlInsightRepository>(pool), [] { return absl::Now(); },
      QuoteWithPricing(std::make_shared<MySqlPricingRepository>(pool), [] { return absl::Now(); })));
  services.push_back(std::make_unique<WinBackHandler>(
      runner, std::make_shared<MySqlWinBackRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<InteractionHandler>(
      runner, std::make_shared<MySqlInteractionRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<ServiceCaseHandler>(
      runner, std::make_shared<MySqlServiceCaseRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<EmployeeHandler>(
      runner, std::make_shared<MySqlEmployeeRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<EnpsHandler>(
      runner, std::make_shared<MySqlEnpsRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<PurchaseHandler>(
      runner, std::make_shared<MySqlPurchaseRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<LoyaltyHandler>(
      runner, std::make_shared<MySqlLoyaltyRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<ReferralHandler>(
      runner, std::make_shared<MySqlReferralRepository>(pool), [] { return absl::Now(); }));
  services.push_back(std::make_unique<FeedbackHandler>(
      runner, std::make_shared<MySqlFeedbackRepository>(pool), [] { return absl::Now(); }));
  return services;
}

}  // namespace crm::customer
