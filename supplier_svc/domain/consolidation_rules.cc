#include "supplier_svc/domain/consolidation_rules.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/api/fingerprint.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/base/sha256.h"

namespace crm::supplier {
namespace {

std::string SupplierName(int64_t id) { return common::FormatResourceName("suppliers", id); }
std::string OfferingName(int64_t id) { return common::FormatResourceName("offerings", id); }

bool MayBeKeptForRank(v1::SupplierStatus status) {
  return status == v1::SUPPLIER_STATUS_ACTIVE || status == v1::SUPPLIER_STATUS_PREFERRED;
}

using ItemKey = std::pair<std::string, std::string>;  // (item, currency)

}  // namespace

BuiltPlan BuildConsolidationPlan(const PlanInputs& inputs, v1::SupplierCategory category,
                                 int32_t target_count,
                                 const absl::flat_hash_set<int64_t>& protected_ids,
                                 absl::Time plan_time) {
  BuiltPlan built;
  v1::ConsolidationPlan& plan = built.plan;
  plan.set_category(category);
  plan.set_target_count(target_count);

  // Rank.
  std::vector<const PlanSupplier*> ranked;
  for (const PlanSupplier& s : inputs.suppliers) ranked.push_back(&s);
  auto rank_value = [](const PlanSupplier& s) {
    return kRankScoreWeight * s.scorecard.overall_score() +
           kRankSpendWeight * s.scorecard.spend_share_basis_points() / 100.0;
  };
  std::sort(ranked.begin(), ranked.end(), [&](const PlanSupplier* a, const PlanSupplier* b) {
    const double va = rank_value(*a), vb = rank_value(*b);
    if (va != vb) return va > vb;
    if (a->scorecard.spend().amount_minor() != b->scorecard.spend().amount_minor()) {
      return a->scorecard.spend().amount_minor() > b->scorecard.spend().amount_minor();
    }
    return a->id < b->id;
  });

  // Keepers by rank and protection.
  absl::flat_hash_map<int64_t, v1::KeepReason> kept;
  int top = 0;
  for (const PlanSupplier* s : ranked) {
    if (top < target_count && MayBeKeptForRank(s->status)) {
      kept[s->id] = v1::KEEP_REASON_TOP_RANKED;
      ++top;
    } else if (protected_ids.contains(s->id)) {
      kept[s->id] = v1::KEEP_REASON_PROTECTED;
    }
  }

  absl::flat_hash_map<int64_t, std::vector<const PlanOffering*>> by_supplier;
  for (const PlanOffering& o : inputs.offerings) by_supplier[o.supplier_id].push_back(&o);
  for (auto& [id, offerings] : by_supplier) {
    std::sort(offerings.begin(), offerings.end(),
              [](const PlanOffering* a, const PlanOffering* b) { return a->id < b->id; });
  }
  // Items the keepers offer: the keeper offerings of each (item, currency).
  std::map<ItemKey, std::vector<const PlanOffering*>> covered;
  auto cover = [&](int64_t supplier_id) {
    for (const PlanOffering* o : by_supplier[supplier_id]) {
      covered[{o->item, o->currency}].push_back(o);
    }
  };
  for (const auto& [id, reason] : kept) cover(id);
  // Sole sources, best first: coverage only grows, so one pass suffices.
  for (const PlanSupplier* s : ranked) {
    if (kept.contains(s->id)) continue;
    for (const PlanOffering* o : by_supplier[s->id]) {
      if (!covered.contains({o->item, o->currency})) {
        kept[s->id] = v1::KEEP_REASON_SOLE_SOURCE;
        cover(s->id);
        break;
      }
    }
  }

  int rank = 0;
  for (const PlanSupplier* s : ranked) {
    v1::SupplierRanking& r = *plan.add_rankings();
    r.set_supplier(SupplierName(s->id));
    r.set_supplier_display_name(s->scorecard.supplier_display_name());
    r.set_rank(++rank);
    if (s->scorecard.has_spend()) *r.mutable_spend() = s->scorecard.spend();
    r.set_spend_share_basis_points(s->scorecard.spend_share_basis_points());
    r.set_overall_score(s->scorecard.overall_score());
    r.set_recommendation(s->scorecard.recommendation());
    built.supplier_versions.emplace_back(s->id, s->version);
    if (auto it = kept.find(s->id); it != kept.end()) {
      r.set_decision(v1::CONSOLIDATION_DECISION_KEEP);
      r.set_keep_reason(it->second);
      plan.add_keepers(SupplierName(s->id));
    } else {
      r.set_decision(v1::CONSOLIDATION_DECISION_RETIRE);
      plan.add_retiring_suppliers(SupplierName(s->id));
    }
  }

  // Mappings of the retiring suppliers' offerings.
  absl::flat_hash_set<int64_t> involved_offerings;
  std::map<std::string, int> mappings_per_currency;
  for (const PlanSupplier* s : ranked) {
    if (kept.contains(s->id)) continue;
    plan.set_open_purchase_order_count(plan.open_purchase_order_count() +
                                       s->open_purchase_order_count);
    plan.set_contract_count(plan.contract_count() + s->contract_count);
    const std::vector<const PlanOffering*>& offerings = by_supplier[s->id];
    plan.set_offering_count(plan.offering_count() + static_cast<int64_t>(offerings.size()));
    // The offering of each (item, currency) that carries its volume: the cheapest.
    std::map<ItemKey, const PlanOffering*> volume_carrier;
    for (const PlanOffering* o : offerings) {
      const PlanOffering*& carrier = volume_carrier[{o->item, o->currency}];
      if (carrier == nullptr || o->unit_price_minor < carrier->unit_price_minor) carrier = o;
    }
    for (const PlanOffering* o : offerings) {
      involved_offerings.insert(o->id);
      const std::vector<const PlanOffering*>& targets = covered[{o->item, o->currency}];
      const PlanOffering* best = nullptr;
      absl::flat_hash_set<int64_t> keepers_of_item;
      for (const PlanOffering* t : targets) {
        keepers_of_item.insert(t->supplier_id);
        if (best == nullptr || t->unit_price_minor < best->unit_price_minor ||
            (t->unit_price_minor == best->unit_price_minor && t->id < best->id)) {
          best = t;
        }
      }
      if (best == nullptr) continue;  // cannot happen: uncovered suppliers are kept
      involved_offerings.insert(best->id);
      v1::ItemMapping& m = built.item_mappings.emplace_back();
      m.set_item(o->item);
      m.set_from_supplier(SupplierName(s->id));
      m.set_to_supplier(SupplierName(best->supplier_id));
      m.set_from_offering(OfferingName(o->id));
      m.set_to_offering(OfferingName(best->id));
      m.mutable_from_unit_price()->set_currency_code(o->currency);
      m.mutable_from_unit_price()->set_amount_minor(o->unit_price_minor);
      m.mutable_to_unit_price()->set_currency_code(best->currency);
      m.mutable_to_unit_price()->set_amount_minor(best->unit_price_minor);
      if (volume_carrier[{o->item, o->currency}] == o) {
        if (auto q = inputs.quantities.find({s->id, o->item, o->currency});
            q != inputs.quantities.end()) {
          m.set_annual_quantity(q->second);
        }
      }
      m.set_sole_source(keepers_of_item.size() == 1);
      if (m.sole_source()) plan.set_sole_source_item_count(plan.sole_source_item_count() + 1);
      ++mappings_per_currency[o->currency];
    }
  }
  if (!mappings_per_currency.empty()) {
    std::string currency;
    int most = 0;
    for (const auto& [code, count] : mappings_per_currency) {
      if (count > most) currency = code, most = count;
    }
    int64_t savings = 0;
    for (const v1::ItemMapping& m : built.item_mappings) {
      if (m.from_unit_price().currency_code() != currency) continue;
      savings += (m.from_unit_price().amount_minor() - m.to_unit_price().amount_minor()) *
                 m.annual_quantity();
    }
    plan.mutable_estimated_annual_savings()->set_currency_code(currency);
    plan.mutable_estimated_annual_savings()->set_amount_minor(savings);
  }
  for (const PlanOffering& o : inputs.offerings) {
    if (involved_offerings.contains(o.id)) built.offering_versions.emplace_back(o.id, o.version);
  }
  plan.set_item_mapping_count(static_cast<int64_t>(built.item_mappings.size()));
  const std::map<std::string, std::string> into = ChooseConsolidatedInto(plan, built.item_mappings);
  for (v1::SupplierRanking& r : *plan.mutable_rankings()) {
    if (auto it = into.find(r.supplier()); it != into.end()) r.set_consolidated_into(it->second);
  }
  *plan.mutable_plan_time() = common::ToProtoTimestamp(plan_time);
  plan.set_fingerprint(
      ConsolidationPlanFingerprint(plan, built.supplier_versions, built.offering_versions));
  return built;
}

std::string ConsolidationPlanFingerprint(
    v1::ConsolidationPlan plan, std::vector<std::pair<int64_t, int64_t>> supplier_versions,
    std::vector<std::pair<int64_t, int64_t>> offering_versions) {
  plan.clear_name();
  plan.clear_plan_time();
  plan.clear_expire_time();
  plan.clear_fingerprint();
  plan.clear_consolidation();
  std::sort(supplier_versions.begin(), supplier_versions.end());
  std::sort(offering_versions.begin(), offering_versions.end());
  std::string bytes = common::DeterministicBytes(plan);
  for (const auto& [id, version] : supplier_versions) absl::StrAppend(&bytes, "|s", id, ":", version);
  for (const auto& [id, version] : offering_versions) absl::StrAppend(&bytes, "|o", id, ":", version);
  return common::Sha256Hex(bytes);
}

std::map<std::string, std::string> ChooseConsolidatedInto(
    const v1::ConsolidationPlan& plan, const std::vector<v1::ItemMapping>& item_mappings) {
  std::map<std::string, int> keeper_rank;
  for (int i = 0; i < plan.keepers_size(); ++i) keeper_rank[plan.keepers(i)] = i;
  // retiring → keeper → yearly value moved there
  std::map<std::string, std::map<std::string, int64_t>> value;
  for (const v1::ItemMapping& m : item_mappings) {
    value[m.from_supplier()][m.to_supplier()] +=
        m.annual_quantity() * m.to_unit_price().amount_minor();
  }
  std::map<std::string, std::string> into;
  for (const std::string& retiring : plan.retiring_suppliers()) {
    std::string best = plan.keepers_size() > 0 ? plan.keepers(0) : "";
    int64_t best_value = -1;
    if (auto it = value.find(retiring); it != value.end()) {
      for (const auto& [keeper, v] : it->second) {
        const int rank = keeper_rank.contains(keeper) ? keeper_rank[keeper] : plan.keepers_size();
        const int best_rank = keeper_rank.contains(best) ? keeper_rank[best] : plan.keepers_size();
        if (v > best_value || (v == best_value && rank < best_rank)) best = keeper, best_value = v;
      }
    }
    into[retiring] = best;
  }
  return into;
}

}  // namespace crm::supplier
