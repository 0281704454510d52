#ifndef CRM_CUSTOMER_SVC_DOMAIN_ENPS_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_ENPS_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/customer/v1/enps.pb.h"

namespace crm::customer {

inline constexpr size_t kMaxSurveyTitleChars = 200;
inline constexpr size_t kMaxSurveyQuestionChars = 1000;
inline constexpr size_t kMaxSurveyTeams = 100;
inline constexpr int32_t kDefaultMinGroupSize = 5;
inline constexpr int32_t kSmallestMinGroupSize = 3;
inline constexpr int32_t kLargestMinGroupSize = 1000;
inline constexpr char kDefaultEnpsQuestion[] =
    "How likely are you to recommend us as a place to work?";

// Checks the caller-settable fields of a survey (reported under
// "enps_survey.") and fills in defaults (question, min_group_size). A
// close_time must lie after `now`. Teams are trimmed and must be distinct.
absl::Status NormalizeSurvey(v1::EnpsSurvey& survey, absl::Time now);

// Clears what a caller cannot set on create.
void ClearSurveyOutputOnlyFields(v1::EnpsSurvey& survey);

// The EnpsSurvey paths UpdateEnpsSurvey may change.
const absl::flat_hash_set<std::string>& SurveyUpdatablePaths();

// OPEN surveys whose close_time has passed are CLOSED.
v1::EnpsSurveyState EffectiveState(const v1::EnpsSurvey& survey, absl::Time now);

// % promoters - % detractors over `respondents`, rounded half away from zero.
int32_t EnpsScore(int64_t promoters, int64_t detractors, int64_t respondents);

// The answers of one (team, score) pair of a survey.
struct EnpsTally {
  std::string team;  // "" when the respondent named no team
  int32_t score = 0;
  int64_t count = 0;
};

// The report over the tallies. No group of fewer than `min_group_size`
// respondents is revealed, neither directly nor by difference: overall figures
// only when at least min_group_size answered; a team only when it has at least
// min_group_size respondents, and while the respondents not covered by any
// reported team (small teams, answers without team) number 1 to
// min_group_size - 1, the smallest reported teams are withheld as well, so
// that overall minus the reported teams never isolates a small group.
v1::EnpsReport BuildEnpsReport(std::string_view survey_name, int32_t min_group_size,
                               const std::vector<EnpsTally>& tallies);

// The participation key of a respondent: SHA-256 over the survey id and the
// principal, so it proves "has answered" without naming who.
std::string RespondentKey(int64_t survey_id, std::string_view principal);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_ENPS_RULES_H_
