#include "customer_svc/domain/enps_rules.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/base/sha256.h"

namespace crm::customer {
namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

struct Counts {
  int64_t respondents = 0;
  int64_t promoters = 0;
  int64_t passives = 0;
  int64_t detractors = 0;

  void Add(int32_t score, int64_t count) {
    respondents += count;
    if (score >= 9) {
      promoters += count;
    } else if (score >= 7) {
      passives += count;
    } else {
      detractors += count;
    }
  }
};

v1::EnpsFigures Figures(const Counts& counts) {
  v1::EnpsFigures figures;
  figures.set_respondent_count(counts.respondents);
  figures.set_promoter_count(counts.promoters);
  figures.set_passive_count(counts.passives);
  figures.set_detractor_count(counts.detractors);
  figures.set_enps(EnpsScore(counts.promoters, counts.detractors, counts.respondents));
  return figures;
}

}  // namespace

absl::Status NormalizeSurvey(v1::EnpsSurvey& survey, absl::Time now) {
  common::Validator v;
  v.Check(common::ValidateRequiredText("enps_survey.title", survey.title(), kMaxSurveyTitleChars));
  if (survey.question().empty()) survey.set_question(kDefaultEnpsQuestion);
  v.Check(common::ValidateRequiredText("enps_survey.question", survey.question(),
                                       kMaxSurveyQuestionChars));
  if (survey.teams_size() > static_cast<int>(kMaxSurveyTeams)) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("enps_survey.teams: at most %d teams", kMaxSurveyTeams)));
  }
  std::vector<std::string> seen;
  for (int i = 0; i < survey.teams_size() && v.ok(); ++i) {
    const std::string field = absl::StrCat("enps_survey.teams[", i, "]");
    v.Check(common::ValidateRequiredText(field, survey.teams(i), 200));
    if (!v.ok()) break;
    std::string team(TrimSpaces(survey.teams(i)));
    if (std::find(seen.begin(), seen.end(), team) != seen.end()) {
      v.Check(absl::InvalidArgumentError(
          absl::StrFormat("%s: %s is listed twice", field, common::QuoteValue(team))));
    }
    survey.set_teams(i, team);
    seen.push_back(std::move(team));
  }
  if (survey.min_group_size() == 0) survey.set_min_group_size(kDefaultMinGroupSize);
  v.Check(common::ValidateRange("enps_survey.min_group_size", survey.min_group_size(),
                                kSmallestMinGroupSize, kLargestMinGroupSize));
  if (survey.has_close_time()) {
    v.Check(common::ValidateTimestamp("enps_survey.close_time", survey.close_time()));
    if (v.ok() && common::FromProtoTimestamp(survey.close_time()) <= now) {
      v.Check(absl::InvalidArgumentError("enps_survey.close_time: must be in the future"));
    }
  }
  return v.status();
}

void ClearSurveyOutputOnlyFields(v1::EnpsSurvey& survey) {
  survey.clear_name();
  survey.clear_state();
  survey.clear_answer_count();
  survey.clear_etag();
  survey.clear_create_time();
  survey.clear_update_time();
}

const absl::flat_hash_set<std::string>& SurveyUpdatablePaths() {
  static const auto* const paths =
      new absl::flat_hash_set<std::string>{"title", "question", "teams", "close_time"};
  return *paths;
}

v1::EnpsSurveyState EffectiveState(const v1::EnpsSurvey& survey, absl::Time now) {
  if (survey.state() == v1::ENPS_SURVEY_STATE_OPEN && survey.has_close_time() &&
      common::FromProtoTimestamp(survey.close_time()) <= now) {
    return v1::ENPS_SURVEY_STATE_CLOSED;
  }
  return survey.state();
}

int32_t EnpsScore(int64_t promoters, int64_t detractors, int64_t respondents) {
  if (respondents <= 0) return 0;
  const int64_t numerator = (promoters - detractors) * 100;
  const int64_t magnitude = numerator < 0 ? -numerator : numerator;
  const int64_t rounded = (2 * magnitude + respondents) / (2 * respondents);
  return static_cast<int32_t>(numerator < 0 ? -rounded : rounded);
}

v1::EnpsReport BuildEnpsReport(std::string_view survey_name, int32_t min_group_size,
                               const std::vector<EnpsTally>& tallies) {
  Counts overall;
  std::map<std::string, Counts> by_team;
  for (const EnpsTally& tally : tallies) {
    if (tally.count <= 0) continue;
    overall.Add(tally.score, tally.count);
    if (!tally.team.empty()) by_team[tally.team].Add(tally.score, tally.count);
  }
  v1::EnpsReport report;
  report.set_survey(std::string(survey_name));
  if (overall.respondents < min_group_size) {
    report.set_suppressed(true);
    report.set_suppressed_team_count(static_cast<int32_t>(by_team.size()));
    return report;
  }
  *report.mutable_overall() = Figures(overall);

  // Teams large enough, smallest first (then by name) for the withholding below.
  std::vector<const std::pair<const std::string, Counts>*> reported;
  int64_t covered = 0;
  for (const auto& entry : by_team) {
    if (entry.second.respondents >= min_group_size) {
      reported.push_back(&entry);
      covered += entry.second.respondents;
    }
  }
  std::stable_sort(reported.begin(), reported.end(), [](const auto* a, const auto* b) {
    return a->second.respondents < b->second.respondents;
  });
  size_t first_shown = 0;
  int64_t remainder = overall.respondents - covered;
  while (remainder > 0 && remainder < min_group_size && first_shown < reported.size()) {
    remainder += reported[first_shown]->second.respondents;
    ++first_shown;
  }
  std::vector<const std::pair<const std::string, Counts>*> shown(reported.begin() + first_shown,
                                                                 reported.end());
  std::sort(shown.begin(), shown.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : shown) {
    v1::EnpsTeamResult& result = *report.add_teams();
    result.set_team(entry->first);
    *result.mutable_figures() = Figures(entry->second);
  }
  report.set_suppressed_team_count(static_cast<int32_t>(by_team.size() - shown.size()));
  return report;
}

std::string RespondentKey(int64_t survey_id, std::string_view principal) {
  return common::Sha256(
      absl::StrCat("crm.enps.participation\n", survey_id, "\n", std::string(principal)));
}

}  // namespace crm::customer
