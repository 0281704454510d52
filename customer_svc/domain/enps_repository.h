#ifndef CRM_CUSTOMER_SVC_DOMAIN_ENPS_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_ENPS_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/enps.pb.h"
#include "customer_svc/domain/enps_rules.h"

namespace crm::customer {

// A survey as stored: `survey.state` is the stored state (an OPEN survey past
// its close_time is still OPEN here; see EffectiveState).
struct StoredSurvey {
  int64_t id = 0;
  int64_t version = 0;
  v1::EnpsSurvey survey;
};

enum class SurveyColumn { kState, kCreateTime };
using SurveyCondition = common::Condition<SurveyColumn>;

// Surveys newest first (descending id). State conditions compare the
// effective state at `now`.
struct SurveyListQuery {
  std::vector<SurveyCondition> conditions;
  absl::Time now;
  std::optional<int64_t> before_id;
  int limit = 50;
};

// What a change does inside one transaction; reads lock what they return.
class EnpsStore {
 public:
  virtual ~EnpsStore() = default;

  virtual absl::StatusOr<std::optional<StoredSurvey>> LockSurvey(int64_t id) = 0;
  // Inserts with version 1 and no answers; returns the stored survey.
  virtual absl::StatusOr<StoredSurvey> InsertSurvey(const v1::EnpsSurvey& survey) = 0;
  // Writes title, question, teams, min_group_size, state, close_time and
  // update_time, bumping the version from `expected_version`.
  virtual absl::StatusOr<StoredSurvey> UpdateSurvey(const v1::EnpsSurvey& survey,
                                                    int64_t expected_version) = 0;
  // Records that the respondent with `respondent_key` answered; false when it
  // already had. Stores nothing else (no time, no order).
  virtual absl::StatusOr<bool> RecordParticipation(int64_t survey_id,
                                                   std::string_view respondent_key) = 0;
  // Counts one answer in the survey's (team, score) tally and answer_count;
  // the survey's version (etag) does not move.
  virtual absl::Status CountAnswer(int64_t survey_id, std::string_view team, int32_t score) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
};

// Storage of eNPS surveys and their anonymous tallies.
class EnpsRepository {
 public:
  virtual ~EnpsRepository() = default;

  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(EnpsStore&)> body) = 0;
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(EnpsStore&)> body) = 0;
  virtual absl::StatusOr<std::optional<StoredSurvey>> GetSurvey(absl::Time deadline,
                                                                int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredSurvey>> ListSurveys(absl::Time deadline,
                                                                const SurveyListQuery& query) = 0;
  virtual absl::StatusOr<std::vector<EnpsTally>> ListTallies(absl::Time deadline,
                                                             int64_t survey_id) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_ENPS_REPOSITORY_H_
