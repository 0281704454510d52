#include "supplier_svc/domain/consolidation_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
constexpr std::string_view kConsolidationPlans = "consolidationPlans";
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

const std::vector<common::FilterField<ItemMappingColumn>>& ItemMappingFields() {
  using Kind = common::FilterValueKind;
  static const auto* const fields = new std::vector<common::FilterField<ItemMappingColumn>>{
      {"from_supplier", ItemMappingColumn::kFromSupplier, Kind::kResource, nullptr, "suppliers"},
      {"to_supplier", ItemMappingColumn::kToSupplier, Kind::kResource, nullptr, "suppliers"},
      {"item", ItemMappingColumn::kItem, Kind::kText},
      {"sole_source", ItemMappingColumn::kSoleSource, Kind::kBool},
  };
  return *fields;
}

// The ids of a mapping the rules built from ids (so every name parses).
absl::StatusOr<MappingRow> ToMappingRow(const v1::ItemMapping& m) {
  absl::StatusOr<int64_t> from_supplier =
      common::ParseResourceId("from_supplier", m.from_supplier(), kSuppliers);
  absl::StatusOr<int64_t> to_supplier =
      common::ParseResourceId("to_supplier", m.to_supplier(), kSuppliers);
  absl::StatusOr<int64_t> from_offering =
      common::ParseResourceId("from_offering", m.from_offering(), kOfferings);
  absl::StatusOr<int64_t> to_offering =
      common::ParseResourceId("to_offering", m.to_offering(), kOfferings);
  if (!from_supplier.ok() || !to_supplier.ok() || !from_offering.ok() || !to_offering.ok()) {
    return absl::InternalError("consolidation plan: an item mapping names an unreadable id");
  }
  MappingRow row;
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
  return row;
}

// The ids a stored plan names.
struct PlanIds {
  std::vector<int64_t> ranked;
  std::vector<int64_t> keepers;
  std::vector<int64_t> retiring;
  std::map<int64_t, int64_t> retired_into;  // retiring → its consolidated_into
};

absl::StatusOr<PlanIds> ReadPlanIds(const v1::ConsolidationPlan& plan) {
  PlanIds ids;
  for (const v1::SupplierRanking& r : plan.rankings()) {
    absl::StatusOr<int64_t> id = common::ParseResourceId("supplier", r.supplier(), kSuppliers);
    if (!id.ok()) return absl::InternalError("stored plan: unreadable supplier name");
    ids.ranked.push_back(*id);
    if (r.decision() == v1::CONSOLIDATION_DECISION_KEEP) {
      ids.keepers.push_back(*id);
      continue;
    }
    absl::StatusOr<int64_t> into =
        common::ParseResourceId("consolidated_into", r.consolidated_into(), kSuppliers);
    if (!into.ok()) return absl::InternalError("stored plan: unreadable consolidated_into");
    ids.retiring.push_back(*id);
    ids.retired_into[*id] = *into;
  }
  return ids;
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
  std::vector<MappingRow> rows;
  rows.reserve(built.item_mappings.size());
  for (const v1::ItemMapping& m : built.item_mappings) {
    absl::StatusOr<MappingRow> row = ToMappingRow(m);
    if (!row.ok()) return row.status();
    rows.push_back(*std::move(row));
  }
  v1::ConsolidationPlan& plan = built.plan;
  *plan.mutable_expire_time() = common::ToProtoTimestamp(now + kConsolidationPlanLifetime);
  absl::StatusOr<int64_t> id =
      repository_.InsertPlan(call.deadline, plan, rows, call.caller.team, now);
  if (!id.ok()) return id.status();
  plan.set_name(common::FormatResourceName(kConsolidationPlans, *id));
  *response.mutable_plan() = std::move(plan);
  return absl::OkStatus();
}

absl::Status ConsolidationService::GetConsolidationPlan(
    const common::CallContext& call, const v1::GetConsolidationPlanRequest& request,
    v1::GetConsolidationPlanResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kConsolidationPlans);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredPlan> stored =
      common::RequireFound(repository_.GetPlan(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_plan() = std::move(stored->plan);
  return absl::OkStatus();
}

absl::Status ConsolidationService::ListItemMappings(const common::CallContext& call,
                                                    const v1::ListItemMappingsRequest& request,
                                                    v1::ListItemMappingsResponse& response) {
  ItemMappingListQuery query;
  const bool of_consolidation = absl::StartsWith(request.parent(), "consolidations/");
  absl::StatusOr<int64_t> parent = common::ParseResourceId(
      "parent", request.parent(), of_consolidation ? kConsolidations : kConsolidationPlans);
  if (!parent.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(parent.status().message(),
                     "; a parent is a plan (consolidationPlans/{id}) or an executed"
                     " consolidation (consolidations/{id})"));
  }
  query.owner = of_consolidation ? ItemMappingListQuery::Owner::kConsolidation
                                 : ItemMappingListQuery::Owner::kPlan;
  query.owner_id = *parent;
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<ItemMappingCondition>> conditions =
      common::ResolveFilter<ItemMappingColumn>(request.filter(), ItemMappingFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListItemMappings", request.parent(), request.filter()});
  absl::StatusOr<std::optional<int64_t>> after =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!after.ok()) return after.status();
  query.after_offering_id = *after;
  absl::StatusOr<std::optional<std::vector<StoredItemMapping>>> rows =
      repository_.ListItemMappings(call.deadline, query);
  if (!rows.ok()) return rows.status();
  if (!rows->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s not found", request.parent()));
  }
  std::vector<StoredItemMapping>& page = **rows;
  const bool more = static_cast<int>(page.size()) > *page_size;
  if (more) page.resize(*page_size);
  for (StoredItemMapping& row : page) *response.add_item_mappings() = std::move(row.mapping);
  if (more) {
    response.set_next_page_token(
        common::EncodeIdPageToken(page.back().from_offering_id, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status ConsolidationService::ExecuteConsolidation(
    const common::CallContext& call, const v1::ExecuteConsolidationRequest& request,
    v1::ExecuteConsolidationResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<int64_t> plan_id =
      common::ParseResourceId("plan", request.plan(), kConsolidationPlans);
  if (!plan_id.ok()) return plan_id.status();
  const absl::Time now = Now();

  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, kExecuteMethod, request.request_id(), request.plan(),
      [&](ConsolidationStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredPlan> stored_plan =
            common::RequireFound(store.LockPlan(*plan_id), request.plan());
        if (!stored_plan.ok()) return stored_plan.status();
        const v1::ConsolidationPlan& plan = stored_plan->plan;
        if (!plan.consolidation().empty()) {
          return absl::FailedPreconditionError(
              absl::StrFormat("plan: %s was already executed as %s; plan the consolidation again",
                              request.plan(), plan.consolidation()));
        }
        if (common::FromProtoTimestamp(plan.expire_time()) <= now) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "plan: %s expired at %s; plan the consolidation again", request.plan(),
              absl::FormatTime(absl::RFC3339_full, common::FromProtoTimestamp(plan.expire_time()),
                               absl::UTCTimeZone())));
        }
        if (plan.retiring_suppliers().empty()) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "plan: %s retires no supplier; there is nothing to execute", request.plan()));
        }
        absl::StatusOr<PlanIds> ids = ReadPlanIds(plan);
        if (!ids.ok()) return ids.status();
        // The plan still describes the data: same suppliers and offerings at
        // the same versions.
        absl::StatusOr<std::map<int64_t, int64_t>> versions =
            store.LockSupplierVersions(ids->ranked);
        if (!versions.ok()) return versions.status();
        absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> offering_versions =
            store.LockLiveOfferingVersions(ids->retiring, *plan_id);
        if (!offering_versions.ok()) return offering_versions.status();
        std::vector<std::pair<int64_t, int64_t>> supplier_versions(versions->begin(),
                                                                   versions->end());
        if (ConsolidationPlanFingerprint(plan, supplier_versions, *offering_versions) !=
            plan.fingerprint()) {
          return absl::AbortedError(
              "plan: suppliers or offerings of the plan changed since it was computed; plan the "
              "consolidation again and execute the new plan");
        }
        std::map<int64_t, int64_t>& retired_into = ids->retired_into;

        v1::Consolidation record;
        record.set_category(plan.category());
        *record.mutable_keepers() = plan.keepers();
        *record.mutable_retired_suppliers() = plan.retiring_suppliers();
        record.set_plan(request.plan());
        record.set_item_mapping_count(plan.item_mapping_count());
        record.set_suppliers_before_count(plan.rankings_size());
        record.set_suppliers_after_count(plan.rankings_size() - plan.retiring_suppliers_size());
        if (plan.has_estimated_annual_savings()) {
          *record.mutable_estimated_annual_savings() = plan.estimated_annual_savings();
        }
        record.set_actor(call.caller.team);
        record.set_request_id(request.request_id());
        *record.mutable_execute_time() = common::ToProtoTimestamp(now);
        absl::StatusOr<int64_t> id =
            store.InsertConsolidation(record, *plan_id, ids->keepers, retired_into);
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
            store.LockSuppliers(ids->retiring);
        if (!retiring_rows.ok()) return retiring_rows.status();
        std::map<int64_t, int64_t> expected_versions;
        std::vector<std::pair<int64_t, v1::SupplierStatusChange>> status_changes;
        std::vector<crm::common::v1::AuditEntry> supplier_audits;
        status_changes.reserve(ids->retiring.size());
        supplier_audits.reserve(ids->retiring.size());
        for (const int64_t retiring : ids->retiring) {
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
