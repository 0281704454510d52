#include "customer_svc/domain/opportunity_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/field_mask.h"
#include "common/api/filter_parser.h"
#include "common/api/money.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/split.h"
#include "common/api/validation.h"

namespace crm::customer {
namespace {

using Kind = common::FilterValueKind;

std::string Field(std::string_view prefix, std::string_view name) {
  return absl::StrCat(std::string(prefix), std::string(name));
}

bool IsSkuChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '/' ||
         c == '-';
}

absl::Status ValidateSkus(std::string_view prefix, const v1::Opportunity& opportunity) {
  const std::string field = Field(prefix, "skus");
  if (static_cast<size_t>(opportunity.skus_size()) > kMaxOpportunitySkus) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: at most %d SKUs", field, kMaxOpportunitySkus));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < opportunity.skus_size(); ++i) {
    const std::string& sku = opportunity.skus(i);
    if (sku.empty() || sku.size() > kMaxSkuChars ||
        !std::all_of(sku.begin(), sku.end(), IsSkuChar)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d]: %s must be 1 to %d of the characters A-Z a-z 0-9 . _ / -", field,
                          i, common::QuoteValue(sku), kMaxSkuChars));
    }
    if (!seen.insert(sku).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d]: %s is listed twice", field, i, common::QuoteValue(sku)));
    }
  }
  return absl::OkStatus();
}

// Fields that must not be set through UpdateOpportunity, and what to use instead.
constexpr std::pair<std::string_view, std::string_view> kChangedElsewhere[] = {
    {"pipeline_stage", "MoveOpportunityStage"},
    {"state", "MoveOpportunityStage"},
    {"close_time", "MoveOpportunityStage"},
    {"delete_time", "DeleteOpportunity or UndeleteOpportunity"},
};

const std::vector<common::FilterField<OpportunityColumn>>& OpportunityFields() {
  static const auto* const fields = new std::vector<common::FilterField<OpportunityColumn>>{
      {"pipeline_stage", OpportunityColumn::kPipelineStage, Kind::kResource, nullptr,
       "pipelineStages"},
      {"state", OpportunityColumn::kState, Kind::kEnum, v1::OpportunityState_descriptor()},
      {"owner", OpportunityColumn::kOwner, Kind::kExact},
      {"expected_close_date", OpportunityColumn::kExpectedCloseDate, Kind::kExact},
      {"partner_deal", OpportunityColumn::kPartnerDeal, Kind::kExact},
      {"skus", OpportunityColumn::kSku, Kind::kExact},
  };
  return *fields;
}

}  // namespace

absl::Status NormalizeStage(v1::PipelineStage& stage) {
  stage.set_display_name(std::string(absl::StripAsciiWhitespace(stage.display_name())));
  common::Validator v;
  v.Check(common::ValidateRequiredText("pipeline_stage.display_name", stage.display_name(),
                                       kMaxStageDisplayNameChars));
  v.Check(common::ValidateRange("pipeline_stage.position", stage.position(), 1, kMaxStagePosition));
  v.Check(common::ValidateRange("pipeline_stage.probability_percent", stage.probability_percent(),
                                0, 100));
  v.Check(common::ValidateEnum("pipeline_stage.outcome", stage.outcome(),
                               *v1::PipelineStageOutcome_descriptor()));
  if (!v.ok()) return v.status();
  if (stage.outcome() == v1::PIPELINE_STAGE_OUTCOME_WON && stage.probability_percent() != 100) {
    return absl::InvalidArgumentError(
        "pipeline_stage.probability_percent: a WON stage has probability 100");
  }
  if (stage.outcome() == v1::PIPELINE_STAGE_OUTCOME_LOST && stage.probability_percent() != 0) {
    return absl::InvalidArgumentError(
        "pipeline_stage.probability_percent: a LOST stage has probability 0");
  }
  return absl::OkStatus();
}

void ClearStageOutputOnlyFields(v1::PipelineStage& stage) {
  stage.clear_name();
  stage.clear_etag();
  stage.clear_create_time();
  stage.clear_update_time();
  stage.clear_delete_time();
}

const absl::flat_hash_set<std::string>& StageUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "display_name", "position", "probability_percent", "outcome"};
  return *paths;
}

absl::Status NormalizeOpportunity(v1::Opportunity& opportunity, std::string_view prefix) {
  opportunity.set_title(std::string(absl::StripAsciiWhitespace(opportunity.title())));
  common::Validator v;
  v.Check(common::ValidateRequiredText(Field(prefix, "title"), opportunity.title(),
                                       kMaxOpportunityTitleChars));
  v.Check(common::ValidateLength(Field(prefix, "description"), opportunity.description(), 0,
                                 kMaxOpportunityDescriptionChars));
  v.Check(common::ValidateRange(Field(prefix, "probability_percent"),
                                opportunity.probability_percent(), 0, 100));
  if (!opportunity.has_amount()) {
    v.Check(absl::InvalidArgumentError(absl::StrFormat(
        "%s: must be set (amount_minor and currency_code)", Field(prefix, "amount"))));
  } else {
    v.Check(common::ValidateMoney(Field(prefix, "amount"), opportunity.amount().amount_minor(),
                                  opportunity.amount().currency_code()));
    if (opportunity.amount().amount_minor() < 0) {
      v.Check(absl::InvalidArgumentError(
          absl::StrFormat("%s: must not be negative", Field(prefix, "amount.amount_minor"))));
    }
  }
  if (!opportunity.has_expected_close_date()) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("%s: must be set", Field(prefix, "expected_close_date"))));
  } else {
    v.Check(
        common::ValidateCalendarDate(Field(prefix, "expected_close_date"),
                                     common::FromDateMessage(opportunity.expected_close_date())));
  }
  if (!opportunity.owner().empty()) {
    v.Check(
        common::ParseResourceId(Field(prefix, "owner"), opportunity.owner(), "employees").status());
  }
  if (!opportunity.partner_deal().empty()) {
    static constexpr std::string_view kDealCollections[] = {"partners", "dealRegistrations"};
    v.Check(common::ParseNestedResourceName(Field(prefix, "partner_deal"),
                                            opportunity.partner_deal(), kDealCollections)
                .status());
  }
  v.Check(common::ValidateLength(Field(prefix, "lost_reason"), opportunity.lost_reason(), 0,
                                 kMaxLostReasonChars));
  if (!v.ok()) return v.status();
  return ValidateSkus(prefix, opportunity);
}

void ClearOpportunityOutputOnlyFields(v1::Opportunity& opportunity) {
  opportunity.clear_name();
  opportunity.clear_weighted_amount();
  opportunity.clear_state();
  opportunity.clear_close_time();
  opportunity.clear_etag();
  opportunity.clear_create_time();
  opportunity.clear_update_time();
  opportunity.clear_delete_time();
}

const absl::flat_hash_set<std::string>& OpportunityUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "title",       "description", "probability_percent", "amount", "expected_close_date", "owner",
      "lost_reason", "skus",        "partner_deal"};
  return *paths;
}

absl::Status ValidateOpportunityUpdateMask(const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    const std::string_view top = std::string_view(path).substr(0, path.find('.'));
    for (const auto& [field, rpc] : kChangedElsewhere) {
      if (top == field) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "update_mask: field %s cannot be updated; use %s", common::QuoteValue(path), rpc));
      }
    }
  }
  return common::ValidateUpdateMask(mask, *v1::Opportunity::descriptor(),
                                    OpportunityUpdatablePaths());
}

int64_t WeightedAmountMinor(int64_t amount_minor, int32_t percent) {
  // |amount| <= 9e15, so amount × 100 fits int64.
  return (amount_minor * percent + 50) / 100;
}

void SetWeightedAmount(v1::Opportunity& opportunity) {
  crm::common::v1::Money& weighted = *opportunity.mutable_weighted_amount();
  weighted.set_currency_code(opportunity.amount().currency_code());
  weighted.set_amount_minor(
      WeightedAmountMinor(opportunity.amount().amount_minor(), opportunity.probability_percent()));
}

v1::OpportunityState StateForOutcome(v1::PipelineStageOutcome outcome) {
  switch (outcome) {
    case v1::PIPELINE_STAGE_OUTCOME_WON:
      return v1::OPPORTUNITY_STATE_WON;
    case v1::PIPELINE_STAGE_OUTCOME_LOST:
      return v1::OPPORTUNITY_STATE_LOST;
    default:
      return v1::OPPORTUNITY_STATE_OPEN;
  }
}

std::string StateName(v1::OpportunityState state) {
  return v1::OpportunityState_Name(state).substr(std::string_view("OPPORTUNITY_STATE_").size());
}

std::string OutcomeName(v1::PipelineStageOutcome outcome) {
  return v1::PipelineStageOutcome_Name(outcome).substr(
      std::string_view("PIPELINE_STAGE_OUTCOME_").size());
}

absl::Status CheckMove(const v1::Opportunity& opportunity, const v1::PipelineStage& target,
                       std::string_view lost_reason) {
  if (opportunity.state() != v1::OPPORTUNITY_STATE_OPEN) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is %s (closed) and cannot move from %s to %s; closed opportunities do not reopen",
        opportunity.name(), StateName(opportunity.state()), opportunity.pipeline_stage(),
        target.name()));
  }
  if (target.has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "pipeline_stage: %s is deleted; undelete it or pick another stage", target.name()));
  }
  if (target.outcome() == v1::PIPELINE_STAGE_OUTCOME_LOST) {
    return common::ValidateRequiredText("lost_reason", lost_reason, kMaxLostReasonChars).ok()
               ? absl::OkStatus()
               : absl::InvalidArgumentError(absl::StrFormat(
                     "lost_reason: required (at most %d characters) when moving to the LOST "
                     "stage %s",
                     kMaxLostReasonChars, target.name()));
  }
  if (!lost_reason.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("lost_reason: only allowed when moving to a LOST stage; %s is %s",
                        target.name(), OutcomeName(target.outcome())));
  }
  return absl::OkStatus();
}

void ApplyMove(v1::Opportunity& opportunity, const v1::PipelineStage& target,
               std::string_view lost_reason, const google::protobuf::Timestamp& now) {
  opportunity.set_pipeline_stage(target.name());
  opportunity.set_probability_percent(target.probability_percent());
  opportunity.set_state(StateForOutcome(target.outcome()));
  opportunity.set_lost_reason(std::string(lost_reason));
  if (opportunity.state() == v1::OPPORTUNITY_STATE_OPEN) {
    opportunity.clear_close_time();
  } else {
    *opportunity.mutable_close_time() = now;
  }
  SetWeightedAmount(opportunity);
}

absl::StatusOr<std::vector<OpportunityCondition>> ParseOpportunityFilter(std::string_view filter) {
  absl::StatusOr<std::vector<common::FilterTerm>> terms = common::ParseFilter(filter);
  if (!terms.ok()) return terms.status();
  std::vector<OpportunityCondition> conditions;
  std::vector<std::string_view> known;
  for (const auto& field : OpportunityFields()) known.push_back(field.name);
  for (const common::FilterTerm& term : *terms) {
    const common::FilterField<OpportunityColumn>* field = nullptr;
    for (const auto& candidate : OpportunityFields()) {
      if (candidate.name == term.field) field = &candidate;
    }
    if (field == nullptr) {
      return absl::InvalidArgumentError(common::UnknownFilterFieldMessage(term.field, known));
    }
    if (field->column == OpportunityColumn::kExpectedCloseDate) {
      absl::StatusOr<common::CalendarDate> date = common::ParseIsoDate(term.value);
      if (!date.ok()) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "filter: %s is not a valid value for \"expected_close_date\" (expected YYYY-MM-DD)",
            common::QuoteValue(term.value)));
      }
      static constexpr std::pair<common::FilterOperator, common::Match> kMatches[] = {
          {common::FilterOperator::kEqual, common::Match::kEqual},
          {common::FilterOperator::kNotEqual, common::Match::kNotEqual},
          {common::FilterOperator::kLess, common::Match::kLess},
          {common::FilterOperator::kLessOrEqual, common::Match::kLessOrEqual},
          {common::FilterOperator::kGreater, common::Match::kGreater},
          {common::FilterOperator::kGreaterOrEqual, common::Match::kGreaterOrEqual}};
      const auto match = std::find_if(std::begin(kMatches), std::end(kMatches),
                                      [&](const auto& m) { return m.first == term.op; });
      if (match == std::end(kMatches)) {
        return absl::InvalidArgumentError(
            "filter: operator \":\" is not supported for \"expected_close_date\" (use =, !=, <, "
            "<=, > or >=)");
      }
      conditions.push_back({field->column, match->second, common::FormatIsoDate(*date)});
      continue;
    }
    if (field->column == OpportunityColumn::kSku) {
      if (term.op != common::FilterOperator::kHas && term.op != common::FilterOperator::kEqual) {
        return absl::InvalidArgumentError(
            "filter: operator is not supported for \"skus\" (use skus : \"<sku>\")");
      }
      absl::StatusOr<std::variant<int64_t, std::string>> value =
          common::ResolveValue(term, field->kind, nullptr, "");
      if (!value.ok()) return value.status();
      conditions.push_back({field->column, common::Match::kEqual, *std::move(value)});
      continue;
    }
    absl::StatusOr<common::Match> match = common::ResolveMatch(term, field->kind);
    if (!match.ok()) return match.status();
    absl::StatusOr<std::variant<int64_t, std::string>> value =
        common::ResolveValue(term, field->kind, field->enum_type, field->collection);
    if (!value.ok()) return value.status();
    conditions.push_back({field->column, *match, *std::move(value)});
  }
  return conditions;
}

absl::Status ParseOpportunityOrder(std::string_view order_by, OpportunityOrder& order,
                                   bool& descending) {
  std::vector<std::string_view> words;
  for (std::string_view word : common::SplitOn(order_by, ' ')) {
    if (!word.empty()) words.push_back(word);
  }
  order = OpportunityOrder::kCreateTime;
  descending = false;
  if (words.empty()) return absl::OkStatus();
  const bool direction_ok =
      words.size() == 1 || (words.size() == 2 && (words[1] == "desc" || words[1] == "asc"));
  if (direction_ok && words[0] == "create_time") {
    order = OpportunityOrder::kCreateTime;
  } else if (direction_ok && words[0] == "expected_close_date") {
    order = OpportunityOrder::kExpectedCloseDate;
  } else if (direction_ok && words[0] == "amount.amount_minor") {
    order = OpportunityOrder::kAmount;
  } else {
    return absl::InvalidArgumentError(
        absl::StrFormat("order_by: %s is not supported (use create_time, expected_close_date or "
                        "amount.amount_minor, optionally followed by \" desc\")",
                        common::QuoteValue(order_by)));
  }
  descending = words.size() == 2 && words[1] == "desc";
  return absl::OkStatus();
}

}  // namespace crm::customer
