#include "customer_svc/domain/enps_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/audit/record_audit.h"
#include "customer_svc/domain/enps_rules.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kSurveys = "enpsSurveys";

const std::vector<common::FilterField<SurveyColumn>>& SurveyFields() {
  static const auto* const fields = new std::vector<common::FilterField<SurveyColumn>>{
      {"state", SurveyColumn::kState, common::FilterValueKind::kEnum,
       v1::EnpsSurveyState_descriptor()},
      {"create_time", SurveyColumn::kCreateTime, common::FilterValueKind::kTime},
  };
  return *fields;
}

// The survey as callers see it: its effective state at `now`.
v1::EnpsSurvey Presented(v1::EnpsSurvey survey, absl::Time now) {
  survey.set_state(EffectiveState(survey, now));
  return survey;
}

absl::StatusOr<StoredSurvey> LockExistingSurvey(EnpsStore& store, int64_t id,
                                                std::string_view name) {
  return common::RequireFound(store.LockSurvey(id), name);
}

// An OPEN survey, locked, whose etag matches (when given); `action` says what
// a closed survey cannot do.
absl::StatusOr<StoredSurvey> LockOpenSurvey(EnpsStore& store, int64_t id, std::string_view name,
                                            std::string_view etag, std::string_view etag_field,
                                            std::string_view action, absl::Time now) {
  absl::StatusOr<StoredSurvey> stored = LockExistingSurvey(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::CheckEtag(etag, stored->version, name, etag_field); !s.ok()) {
    return s;
  }
  const v1::EnpsSurveyState state = EffectiveState(stored->survey, now);
  if (state != v1::ENPS_SURVEY_STATE_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is %s; %s", name, v1::EnpsSurveyState_Name(state), action));
  }
  return stored;
}

absl::StatusOr<StoredSurvey> StoreSurveyChange(EnpsStore& store, const common::CallContext& call,
                                               const StoredSurvey& stored, v1::EnpsSurvey updated,
                                               AuditAction action, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes = common::DiffMessages(stored.survey, updated);
  absl::StatusOr<StoredSurvey> result = store.UpdateSurvey(updated, stored.version);
  if (!result.ok()) return result.status();
  if (absl::Status s = store.InsertAuditEntry(
          common::MakeAuditEntry(call, updated.name(), action, std::move(changes), "", now));
      !s.ok()) {
    return s;
  }
  return result;
}

}  // namespace

EnpsService::EnpsService(EnpsRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time EnpsService::Now() const { return absl::FromUnixMicros(absl::ToUnixMicros(clock_())); }

absl::Status EnpsService::GetEnpsSurvey(const common::CallContext& call,
                                        const v1::GetEnpsSurveyRequest& request,
                                        v1::GetEnpsSurveyResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSurveys);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredSurvey>> stored = repository_.GetSurvey(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_enps_survey() = Presented(std::move((*stored)->survey), Now());
  return absl::OkStatus();
}

absl::Status EnpsService::ListEnpsSurveys(const common::CallContext& call,
                                          const v1::ListEnpsSurveysRequest& request,
                                          v1::ListEnpsSurveysResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<SurveyCondition>> conditions =
      common::ResolveFilter<SurveyColumn>(request.filter(), SurveyFields());
  if (!conditions.ok()) return conditions.status();
  SurveyListQuery query;
  query.conditions = *std::move(conditions);
  query.now = Now();
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListEnpsSurveys", request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;
  absl::StatusOr<std::vector<StoredSurvey>> rows = repository_.ListSurveys(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredSurvey& row : *rows) *response.add_enps_surveys() = Presented(row.survey, query.now);
  if (more) response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  return absl::OkStatus();
}

absl::Status EnpsService::CreateEnpsSurvey(const common::CallContext& call,
                                           const v1::CreateEnpsSurveyRequest& request,
                                           v1::CreateEnpsSurveyResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::EnpsSurvey survey = request.enps_survey();
  ClearSurveyOutputOnlyFields(survey);
  if (absl::Status s = NormalizeSurvey(survey, now); !s.ok()) return s;
  survey.set_state(v1::ENPS_SURVEY_STATE_OPEN);
  *survey.mutable_create_time() = common::ToProtoTimestamp(now);
  *survey.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateEnpsSurveyRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.EnpsService/CreateEnpsSurvey", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](EnpsStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredSurvey> stored = store.InsertSurvey(survey);
        if (!stored.ok()) return stored.status();
        if (absl::Status s = common::RecordAudit(
                store, call, stored->survey.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(stored->survey), now, "", request.request_id());
            !s.ok()) {
          return s;
        }
        v1::CreateEnpsSurveyResponse created;
        *created.mutable_enps_survey() = std::move(stored->survey);
        return created.SerializeAsString();
      });
  if (absl::Status s =
          common::ParseStoredResponse(stored_response, "CreateEnpsSurvey", response);
      !s.ok()) {
    return s;
  }
  *response.mutable_enps_survey() = Presented(response.enps_survey(), now);
  return absl::OkStatus();
}

absl::Status EnpsService::UpdateEnpsSurvey(const common::CallContext& call,
                                           const v1::UpdateEnpsSurveyRequest& request,
                                           v1::UpdateEnpsSurveyResponse& response) {
  const std::string& name = request.enps_survey().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("enps_survey.name", name, kSurveys);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::EnpsSurvey::descriptor(), SurveyUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EnpsStore& store) -> absl::Status {
    absl::StatusOr<StoredSurvey> stored =
        LockOpenSurvey(store, *id, name, request.enps_survey().etag(), "enps_survey.etag",
                       "only an OPEN survey can be updated", now);
    if (!stored.ok()) return stored.status();
    v1::EnpsSurvey updated = stored->survey;
    if (absl::Status s = common::ApplyUpdateMask(request.enps_survey(), request.update_mask(),
                                                 SurveyUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizeSurvey(updated, now); !s.ok()) return s;
    if (common::DiffMessages(stored->survey, updated).empty()) {
      *response.mutable_enps_survey() = Presented(std::move(stored->survey), now);
      return absl::OkStatus();
    }
    absl::StatusOr<StoredSurvey> result = StoreSurveyChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, now);
    if (!result.ok()) return result.status();
    *response.mutable_enps_survey() = Presented(std::move(result->survey), now);
    return absl::OkStatus();
  });
}

absl::Status EnpsService::CloseEnpsSurvey(const common::CallContext& call,
                                          const v1::CloseEnpsSurveyRequest& request,
                                          v1::CloseEnpsSurveyResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSurveys);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EnpsStore& store) -> absl::Status {
    absl::StatusOr<StoredSurvey> stored =
        LockOpenSurvey(store, *id, request.name(), request.etag(), "etag",
                       "only an OPEN survey can be closed (OPEN -> CLOSED)", now);
    if (!stored.ok()) return stored.status();
    v1::EnpsSurvey updated = stored->survey;
    updated.set_state(v1::ENPS_SURVEY_STATE_CLOSED);
    absl::StatusOr<StoredSurvey> result = StoreSurveyChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_STATE_CHANGE, now);
    if (!result.ok()) return result.status();
    *response.mutable_enps_survey() = Presented(std::move(result->survey), now);
    return absl::OkStatus();
  });
}

absl::Status EnpsService::SubmitEnpsAnswer(const common::CallContext& call,
                                           const v1::SubmitEnpsAnswerRequest& request,
                                           v1::SubmitEnpsAnswerResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("survey", request.survey(), kSurveys);
  if (!id.ok()) return id.status();
  common::Validator v;
  v.Check(common::ValidateRange("score", request.score(), 0, 10));
  v.Check(common::ValidateLength("team", request.team(), 0, 200));
  if (!v.ok()) return v.status();
  std::string_view team = request.team();
  while (!team.empty() && team.front() == ' ') team.remove_prefix(1);
  while (!team.empty() && team.back() == ' ') team.remove_suffix(1);
  if (call.caller.team.empty()) {
    return absl::UnauthenticatedError("an eNPS answer needs an authenticated respondent");
  }
  const absl::Time now = Now();
  absl::Status status = repository_.Transact(call.deadline, [&](EnpsStore& store) -> absl::Status {
    absl::StatusOr<StoredSurvey> stored = LockOpenSurvey(store, *id, request.survey(), "", "etag",
                                                         "it no longer accepts answers", now);
    if (!stored.ok()) return stored.status();
    const auto& teams = stored->survey.teams();
    if (!teams.empty() && std::find(teams.begin(), teams.end(), team) == teams.end()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("team: %s is not one of the teams invited to %s",
                          common::QuoteValue(team), request.survey()));
    }
    absl::StatusOr<bool> first =
        store.RecordParticipation(*id, RespondentKey(*id, call.caller.team));
    if (!first.ok()) return first.status();
    if (!*first) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "you have already answered %s; each respondent answers once", request.survey()));
    }
    return store.CountAnswer(*id, team, request.score());
  });
  if (!status.ok()) return status;
  response.set_survey(request.survey());
  *response.mutable_submit_time() = common::ToProtoTimestamp(now);
  return absl::OkStatus();
}

absl::Status EnpsService::GetEnpsReport(const common::CallContext& call,
                                        const v1::GetEnpsReportRequest& request,
                                        v1::GetEnpsReportResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("survey", request.survey(), kSurveys);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredSurvey>> stored = repository_.GetSurvey(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.survey()));
  }
  absl::StatusOr<std::vector<EnpsTally>> tallies = repository_.ListTallies(call.deadline, *id);
  if (!tallies.ok()) return tallies.status();
  *response.mutable_report() =
      BuildEnpsReport(request.survey(), (*stored)->survey.min_group_size(), *tallies);
  return absl::OkStatus();
}

}  // namespace crm::customer
