#include "supplier_svc/domain/consolidation_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "supplier_svc/domain/scorecard_rules.h"
#include "supplier_svc/domain/supplier_rules.h"

namespace crm::supplier {
namespace {

constexpr std::string_view kSuppliers = "suppliers";
constexpr std::string_view kOfferings = "offerings";
constexpr std::string_view kConsolidations = "consolidations";
constexpr char kExecuteMethod[] = "crm.supplier.v1.ConsolidationService/ExecuteConsolidation";
constexpr int32_t kMaxTargetCount = 10000;

const std::vector<common::FilterField<ConsolidationColumn>>& ConsolidationFields() {
  using Kind = common::FilterValueKind;
  static const auto* const fields = new std::vector<common::FilterField<ConsolidationColumn>>{
      {"category", ConsolidationColumn::kCategory, Kind::kEnum, v1::SupplierCategory_descriptor()},
      {"keepers", ConsolidationColumn::kKeeper, Kind::kResource, nullptr, "suppliers"},
      {"retired_suppliers", ConsolidationColumn::kRetiredSupplier, Kind::kResource, nullptr,
       "suppliers"},
      {"execute_time", ConsolidationColumn::kExecuteTime, Kind::kTime},
  };
  return *fields;
}

// The ids a plan names, checked field by field.
struct ParsedPlan {
  std::vector<int64_t> ranked_ids;
  std::vector<int64_t> keeper_ids;
  std::vector<int64_t> retiring_ids;
  std::vector<MappingRow> mappings;
};

absl::StatusOr<ParsedPlan> ParsePlan(const v1::ConsolidationPlan& plan) {
  if (absl::Status s = common::ValidateEnum("plan.category", plan.category(),
                                            *v1::SupplierCategory_descriptor());
      !s.ok()) {
    return s;
  }
  if (plan.fingerprint().empty()) {
    return absl::InvalidArgumentError(
        "plan.fingerprint: required; pass the plan exactly as PlanConsolidation returned it");
  }
  ParsedPlan parsed;
  for (int i = 0; i < plan.rankings_size(); ++i) {
    absl::StatusOr<int64_t> id = common::ParseResourceId(
        absl::StrFormat("plan.rankings[%d].supplier", i), plan.rankings(i).supplier(), kSuppliers);
    if (!id.ok()) return id.status();
    parsed.ranked_ids.push_back(*id);
  }
  for (int i = 0; i < plan.keepers_size(); ++i) {
    absl::StatusOr<int64_t> id = common::ParseResourceId(absl::StrFormat("plan.keepers[%d]", i),
                                                         plan.keepers(i), kSuppliers);
    if (!id.ok()) return id.status();
    parsed.keeper_ids.push_back(*id);
  }
  for (int i = 0; i < plan.retiring_suppliers_size(); ++i) {
    absl::StatusOr<int64_t> id = common::ParseResourceId(
        absl::StrFormat("plan.retiring_suppliers[%d]", i), plan.retiring_suppliers(i), kSuppliers);
    if (!id.ok()) return id.status();
    parsed.retiring_ids.push_back(*id);
  }
  if (parsed.keeper_ids.empty()) {
    return absl::InvalidArgumentError("plan.keepers: a plan keeps at least one supplier");
  }
  if (parsed.retiring_ids.empty()) {
    return absl::InvalidArgumentError(
        "plan.retiring_suppliers: the plan retires no supplier; there is nothing to execute");
  }
  for (int i = 0; i < plan.item_mappings_size(); ++i) {
    const v1::ItemMapping& m = plan.item_mappings(i);
    const std::string base = absl::StrFormat("plan.item_mappings[%d]", i);
    MappingRow row;
    absl::StatusOr<int64_t> from_supplier =
        common::ParseResourceId(base + ".from_supplier", m.from_supplier(), kSuppliers);
    if (!from_supplier.ok()) return from_supplier.status();
    absl::StatusOr<int64_t> to_supplier =
        common::ParseResourceId(base + ".to_supplier", m.to_supplier(), kSuppliers);
    if (!to_supplier.ok()) return to_supplier.status();
    absl::StatusOr<int64_t> from_offering =
        common::ParseResourceId(base + ".from_offering", m.from_offering(), kOfferings);
    if (!from_offering.ok()) return from_offering.status();
    absl::StatusOr<int64_t> to_offering =
        common::ParseResourceId(base + ".to_offering", m.to_offering(), kOfferings);
    if (!to_offering.ok()) return to_offering.status();
    row.from_supplier_id = *from_supplier;
    row.to_supplier_id = *to_supplier;
    row.from_offering_id = *from_offering;
    row.to_offering_id = *to_offering;
    row.item = m.item();
    row.currency = m.from_unit_price().currency_code();
    row.from_unit_price_minor = m.from_unit_price().amount_minor();
    row.to_unit_price_minor = m.to_unit_price().amount_minor();
    row.annual_quantity = m.annual_quantity();
    row.sole_source = m.sole_source();
    parsed.mappings.push_back(std::move(row));
  }
  return parsed;
}

}  // namespace

ConsolidationService::ConsolidationService(ConsolidationRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time ConsolidationService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status ConsolidationService::PlanConsolidation(const common::CallContext& call,
                                                     const v1::PlanConsolidationRequest& request,
                                                     v1::PlanConsolidationResponse& response) {
  if (absl::Status s = common::ValidateEnum("category", request.category(),
                                            *v1::SupplierCategory_descriptor());
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          common::ValidateRange("target_count", request.target_count(), 1, kMaxTargetCount);
      !s.ok()) {
    return s;
  }
  absl::flat_hash_set<int64_t> protected_ids;
  for (int i = 0; i < request.protected_suppliers_size(); ++i) {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId(absl::StrFormat("protected_suppliers[%d]", i),
                                request.protected_suppliers(i), kSuppliers);
    if (!id.ok()) return id.status();
    protected_ids.insert(*id);
  }
  const absl::Time now = Now();
  const common::CalendarDate today = common::UtcDate(now);
  const common::CalendarDate start = TwelveMonthsBefore(today);
  absl::StatusOr<PlanLoad> load =
      repository_.LoadPlanInputs(call.deadline, request.category(), start, today);
  if (!load.ok()) return load.status();

  PlanInputs inputs;
  for (const ScorecardFigures& f : load->figures) {
    PlanSupplier s;
    s.id = f.supplier_id;
    s.status = f.status;
    s.scorecard = BuildScorecard(f, load->weights.weights, start, today, now);
    if (auto it = load->states.find(f.supplier_id); it != load->states.end()) {
      s.version = it->second.version;
      s.open_purchase_order_count = it->second.open_purchase_order_count;
      s.contract_count = it->second.contract_count;
    }
    inputs.suppliers.push_back(std::move(s));
  }
  inputs.offerings = std::move(load->offerings);
  inputs.quantities = std::move(load->quantities);
  BuiltPlan built = BuildConsolidationPlan(inputs, request.category(), request.target_count(),
                                           protected_ids, now);
  *response.mutable_plan() = std::move(built.plan);
  return absl::OkStatus();
}

absl::Status ConsolidationService::ExecuteConsolidation(
    const common::CallContext& call, const v1::ExecuteConsolidationRequest& request,
    v1::ExecuteConsolidationResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const v1::ConsolidationPlan& plan = request.plan();
  absl::StatusOr<ParsedPlan> parsed = ParsePlan(plan);
  if (!parsed.ok()) return parsed.status();
  const absl::Time now = Now();
  v1::ExecuteConsolidationRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();

  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, kExecuteMethod, request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](ConsolidationStore& store) -> absl::StatusOr<std::string> {
        // The plan still describes the data: same suppliers and offerings at
        // the same versions.
        absl::StatusOr<std::map<int64_t, int64_t>> versions =
            store.LockSupplierVersions(parsed->ranked_ids);
        if (!versions.ok()) return versions.status();
        std::vector<int64_t> to_offerings;
        for (const MappingRow& m : parsed->mappings) to_offerings.push_back(m.to_offering_id);
        absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> offering_versions =
            store.LockLiveOfferingVersions(parsed->retiring_ids, to_offerings);
        if (!offering_versions.ok()) return offering_versions.status();
        std::vector<std::pair<int64_t, int64_t>> supplier_versions(versions->begin(),
                                                                   versions->end());
        if (ConsolidationPlanFingerprint(plan, supplier_versions, *offering_versions) !=
            plan.fingerprint()) {
          return absl::AbortedError(
              "plan: suppliers or offerings of the plan changed since it was computed (or the "
              "plan was altered); plan the consolidation again and execute the new plan");
        }

        const std::map<std::string, std::string> into_names = ChooseConsolidatedInto(plan);
        std::map<int64_t, int64_t> retired_into;
        for (const auto& [retiring, keeper] : into_names) {
          absl::StatusOr<int64_t> from = common::ParseResourceId("retiring", retiring, kSuppliers);
          absl::StatusOr<int64_t> to = common::ParseResourceId("keeper", keeper, kSuppliers);
          if (!from.ok() || !to.ok()) return absl::InternalError("plan names are unreadable");
          retired_into[*from] = *to;
        }

        v1::Consolidation record;
        record.set_category(plan.category());
        *record.mutable_keepers() = plan.keepers();
        *record.mutable_retired_suppliers() = plan.retiring_suppliers();
        *record.mutable_item_mappings() = plan.item_mappings();
        record.set_suppliers_before_count(plan.rankings_size());
        record.set_suppliers_after_count(plan.rankings_size() - plan.retiring_suppliers_size());
        if (plan.has_estimated_annual_savings()) {
          *record.mutable_estimated_annual_savings() = plan.estimated_annual_savings();
        }
        record.set_actor(call.caller.team);
        record.set_request_id(request.request_id());
        *record.mutable_execute_time() = common::ToProtoTimestamp(now);
        absl::StatusOr<int64_t> id = store.InsertConsolidation(record, parsed->keeper_ids,
                                                               retired_into, parsed->mappings);
        if (!id.ok()) return id.status();
        record.set_name(common::FormatResourceName(kConsolidations, *id));

        absl::StatusOr<MovedCounts> moved = store.MoveDocuments(*id, now);
        if (!moved.ok()) return moved.status();
        record.set_moved_purchase_order_count(moved->purchase_orders);
        record.set_moved_contract_count(moved->contracts);
        record.set_moved_offering_count(moved->offerings);

        // Every retiring supplier becomes CONSOLIDATED: read with one
        // statement, checked and diffed here, written with a fixed number of
        // set-based statements (status, history, audit).
        absl::StatusOr<std::map<int64_t, StoredSupplier>> retiring_rows =
            store.LockSuppliers(parsed->retiring_ids);
        if (!retiring_rows.ok()) return retiring_rows.status();
        std::map<int64_t, int64_t> expected_versions;
        std::vector<std::pair<int64_t, v1::SupplierStatusChange>> status_changes;
        std::vector<crm::common::v1::AuditEntry> supplier_audits;
        status_changes.reserve(parsed->retiring_ids.size());
        supplier_audits.reserve(parsed->retiring_ids.size());
        for (const int64_t retiring : parsed->retiring_ids) {
          const std::string name = common::FormatResourceName(kSuppliers, retiring);
          auto found = retiring_rows->find(retiring);
          std::optional<StoredSupplier> row;
          if (found != retiring_rows->end()) row = found->second;
          absl::StatusOr<StoredSupplier> current =
              common::RequireFound(absl::StatusOr<std::optional<StoredSupplier>>(row), name);
          if (!current.ok()) return current.status();
          const v1::SupplierStatus from = current->supplier.status();
          if (absl::Status legal = SupplierStatusMachine().Check(
                  name, from, v1::SUPPLIER_STATUS_CONSOLIDATED);
              !legal.ok()) {
            return legal;
          }
          const std::string keeper = common::FormatResourceName(kSuppliers, retired_into[retiring]);
          const std::string reason =
              absl::StrFormat("consolidated into %s by %s", keeper, record.name());
          v1::Supplier updated = current->supplier;
          updated.set_status(v1::SUPPLIER_STATUS_CONSOLIDATED);
          updated.set_consolidated_into(keeper);
          *updated.mutable_update_time() = common::ToProtoTimestamp(now);
          std::vector<crm::common::v1::FieldChange> changes =
              common::DiffMessages(current->supplier, updated);
          expected_versions[retiring] = current->version;
          supplier_audits.push_back(common::MakeAuditEntry(
              call, name, crm::common::v1::AUDIT_ACTION_STATE_CHANGE, std::move(changes), reason,
              now));
          v1::SupplierStatusChange change;
          change.set_from_status(from);
          change.set_to_status(v1::SUPPLIER_STATUS_CONSOLIDATED);
          change.set_reason(reason);
          change.set_consolidated_into(keeper);
          change.set_consolidation(record.name());
          change.set_actor(call.caller.team);
          *change.mutable_change_time() = common::ToProtoTimestamp(now);
          status_changes.emplace_back(retiring, std::move(change));
        }
        if (absl::Status s = store.RetireSuppliers(*id, expected_versions, status_changes, now);
            !s.ok()) {
          return s;
        }
        if (absl::Status s = store.InsertAuditEntries(supplier_audits); !s.ok()) return s;

        if (absl::Status s = store.FinishConsolidation(*id, record); !s.ok()) return s;
        if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
                call, record.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(record), "", now));
            !s.ok()) {
          return s;
        }
        v1::ExecuteConsolidationResponse executed;
        *executed.mutable_consolidation() = std::move(record);
        return executed.SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  if (!response.ParseFromString(*stored)) {
    return absl::InternalError("stored ExecuteConsolidation response is unreadable");
  }
  return absl::OkStatus();
}

absl::Status ConsolidationService::GetConsolidation(const common::CallContext& call,
                                                    const v1::GetConsolidationRequest& request,
                                                    v1::GetConsolidationResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kConsolidations);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredConsolidation> stored =
      common::RequireFound(repository_.GetConsolidation(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_consolidation() = std::move(stored->consolidation);
  return absl::OkStatus();
}

absl::Status ConsolidationService::ListConsolidations(
    const common::CallContext& call, const v1::ListConsolidationsRequest& request,
    v1::ListConsolidationsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  ConsolidationListQuery query;
  absl::StatusOr<std::vector<ConsolidationCondition>> conditions =
      common::ResolveFilter<ConsolidationColumn>(request.filter(), ConsolidationFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListConsolidations", request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;
  absl::StatusOr<std::vector<StoredConsolidation>> rows =
      repository_.ListConsolidations(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > *page_size;
  if (more) rows->resize(*page_size);
  for (StoredConsolidation& row : *rows) {
    *response.add_consolidations() = std::move(row.consolidation);
  }
  if (more) response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  return absl::OkStatus();
}

}  // namespace crm::supplier
