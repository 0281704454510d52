// CustomerDbTest plus the opportunity service over its MySQL repository, and
// helpers to make opportunities. Shared by the opportunity and ConvertLead tests.
#ifndef CRM_TESTS_CUSTOMER_SVC_MYSQL_OPPORTUNITY_TEST_FIXTURE_H_
#define CRM_TESTS_CUSTOMER_SVC_MYSQL_OPPORTUNITY_TEST_FIXTURE_H_

#include <map>
#include <string>

#include "customer_svc/domain/opportunity_service.h"
#include "customer_svc/repository/mysql_opportunity_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {

class OpportunityMySqlFixture : public CustomerDbTest {
 protected:
  OpportunityMySqlFixture()
      : CustomerDbTest("sales", absl::FromUnixSeconds(1767225600)),  // 2026-01-01T00:00:00Z
        opportunity_repository_(pool_),
        opportunities_(opportunity_repository_, [this] { return now_; }) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerDbTest::SetUp());
    v1::ListPipelineStagesRequest request;
    v1::ListPipelineStagesResponse response;
    ASSERT_THAT(opportunities_.ListPipelineStages(call_, request, response), test_support::IsOk());
    for (const v1::PipelineStage& stage : response.pipeline_stages()) {
      stages_[stage.display_name()] = stage.name();
    }
  }

  // A valid opportunity in the stage named `stage` (e.g. "Proposal").
  v1::Opportunity Draft(const std::string& title, const std::string& stage, int64_t amount_minor,
                        const std::string& currency = "EUR") {
    v1::Opportunity opportunity;
    opportunity.set_title(title);
    opportunity.set_pipeline_stage(stages_.at(stage));
    opportunity.mutable_amount()->set_amount_minor(amount_minor);
    opportunity.mutable_amount()->set_currency_code(currency);
    opportunity.mutable_expected_close_date()->set_year(2026);
    opportunity.mutable_expected_close_date()->set_month(3);
    opportunity.mutable_expected_close_date()->set_day(31);
    return opportunity;
  }

  absl::StatusOr<v1::Opportunity> Create(const v1::Customer& customer,
                                         const v1::Opportunity& opportunity,
                                         const std::string& request_id = "") {
    v1::CreateOpportunityRequest request;
    request.set_parent(customer.name());
    *request.mutable_opportunity() = opportunity;
    request.set_request_id(request_id);
    v1::CreateOpportunityResponse response;
    absl::Status status = opportunities_.CreateOpportunity(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.opportunity();
  }

  absl::StatusOr<v1::Opportunity> Move(const v1::Opportunity& opportunity, const std::string& stage,
                                       const std::string& lost_reason = "") {
    v1::MoveOpportunityStageRequest request;
    request.set_name(opportunity.name());
    request.set_pipeline_stage(stages_.at(stage));
    request.set_lost_reason(lost_reason);
    request.set_etag(opportunity.etag());
    v1::MoveOpportunityStageResponse response;
    absl::Status status = opportunities_.MoveOpportunityStage(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.opportunity();
  }

  MySqlOpportunityRepository opportunity_repository_;
  OpportunityService opportunities_;
  std::map<std::string, std::string> stages_;  // display name → "pipelineStages/{id}"
};

}  // namespace crm::customer

#endif  // CRM_TESTS_CUSTOMER_SVC_MYSQL_OPPORTUNITY_TEST_FIXTURE_H_
