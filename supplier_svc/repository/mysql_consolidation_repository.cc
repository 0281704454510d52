#include "supplier_svc/repository/mysql_consolidation_repository.h"

#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/calendar_date.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/batch_insert.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "supplier_svc/repository/mysql_scorecard_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr int64_t kRoleKeeper = 1;
constexpr int64_t kRoleRetired = 2;
constexpr size_t kRowsPerInsert = 500;

const int64_t kOpen = v1::PURCHASE_ORDER_STATUS_OPEN;
const int64_t kConfirmed = v1::PURCHASE_ORDER_STATUS_CONFIRMED;
const int64_t kDraft = v1::CONTRACT_STATE_DRAFT;
const int64_t kActive = v1::CONTRACT_STATE_ACTIVE;

// The candidates of a plan: live ACTIVE/PREFERRED/ON_HOLD suppliers of a category.
constexpr char kCandidates[] =
    "SELECT s.id FROM suppliers s JOIN supplier_categories c ON c.supplier_id = s.id"
    " AND c.category = ? WHERE s.delete_time IS NULL AND s.status IN (?, ?, ?)";

void AddIds(SqlQuery& query, const std::vector<int64_t>& ids) {
  query.Add(common::Placeholders(ids.size()));
  for (int64_t id : ids) query.params.emplace_back(id);
}

std::string_view ColumnSql(ConsolidationColumn column) {
  switch (column) {
    case ConsolidationColumn::kCategory: return "c.category";
    case ConsolidationColumn::kExecuteTime: return "c.execute_time";
    case ConsolidationColumn::kKeeper:
    case ConsolidationColumn::kRetiredSupplier: break;
  }
  return "NULL";
}

// The columns both mapping tables share.
constexpr char kMappingColumns[] =
    "from_offering_id, from_supplier_id, item, currency, to_supplier_id, to_offering_id,"
    " from_unit_price_minor, to_unit_price_minor, annual_quantity, sole_source";

constexpr char kSelectPlan[] =
    "SELECT id, details, expire_time, consolidation_id FROM consolidation_plans";

absl::StatusOr<StoredPlan> ReadPlan(const sql::ResultSet& row) {
  StoredPlan stored;
  stored.id = row.getInt64("id");
  if (!stored.plan.ParseFromString(common::ReadString(row, "details"))) {
    return absl::InternalError("stored consolidation plan details are unreadable");
  }
  stored.plan.set_name(common::FormatResourceName("consolidationPlans", stored.id));
  absl::StatusOr<google::protobuf::Timestamp> expire = common::ReadTimestamp(row, "expire_time");
  if (!expire.ok()) return expire.status();
  *stored.plan.mutable_expire_time() = *expire;
  if (!row.isNull("consolidation_id")) {
    stored.plan.set_consolidation(
        common::FormatResourceName("consolidations", row.getInt64("consolidation_id")));
  }
  return stored;
}

absl::StatusOr<std::optional<StoredPlan>> ReadOnePlan(sql::Connection& connection,
                                                      const SqlQuery& query) {
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return std::optional<StoredPlan>();
  absl::StatusOr<StoredPlan> plan = ReadPlan(*row);
  if (!plan.ok()) return plan.status();
  return std::optional<StoredPlan>(*std::move(plan));
}

StoredItemMapping ReadItemMapping(const sql::ResultSet& row) {
  StoredItemMapping stored;
  stored.from_offering_id = row.getInt64("from_offering_id");
  v1::ItemMapping& m = stored.mapping;
  const std::string currency = common::ReadString(row, "currency");
  m.set_item(common::ReadString(row, "item"));
  m.set_from_supplier(common::FormatResourceName("suppliers", row.getInt64("from_supplier_id")));
  m.set_to_supplier(common::FormatResourceName("suppliers", row.getInt64("to_supplier_id")));
  m.set_from_offering(common::FormatResourceName("offerings", stored.from_offering_id));
  m.set_to_offering(common::FormatResourceName("offerings", row.getInt64("to_offering_id")));
  m.mutable_from_unit_price()->set_currency_code(currency);
  m.mutable_from_unit_price()->set_amount_minor(row.getInt64("from_unit_price_minor"));
  m.mutable_to_unit_price()->set_currency_code(currency);
  m.mutable_to_unit_price()->set_amount_minor(row.getInt64("to_unit_price_minor"));
  m.set_annual_quantity(row.getInt64("annual_quantity"));
  m.set_sole_source(row.getBoolean("sole_source"));
  return stored;
}

std::string_view MappingColumnSql(ItemMappingColumn column) {
  switch (column) {
    case ItemMappingColumn::kFromSupplier:
      return "from_supplier_id";
    case ItemMappingColumn::kToSupplier:
      return "to_supplier_id";
    case ItemMappingColumn::kItem:
      return "item";
    case ItemMappingColumn::kSoleSource:
      return "sole_source";
  }
  return "NULL";
}

// Expired plans each PlanConsolidation deletes (their mappings cascade). Every
// plan expires once and each new plan removes up to two, so expired plans
// never pile up, and no call pays for many of them.
constexpr int64_t kExpiredPlansPerPurge = 2;

absl::StatusOr<StoredConsolidation> ReadConsolidation(const sql::ResultSet& row) {
  StoredConsolidation stored;
  stored.id = row.getInt64("id");
  if (!stored.consolidation.ParseFromString(common::ReadString(row, "details"))) {
    return absl::InternalError("stored consolidation details are unreadable");
  }
  stored.consolidation.set_name(common::FormatResourceName("consolidations", stored.id));
  return stored;
}

class MySqlConsolidationStore final : public ConsolidationStore {
 public:
  explicit MySqlConsolidationStore(sql::Connection& connection)
      : connection_(connection), suppliers_(MakeMySqlSupplierStore(connection)) {}

  SupplierStore& suppliers() override { return *suppliers_; }

  absl::StatusOr<std::map<int64_t, int64_t>> LockSupplierVersions(
      const std::vector<int64_t>& ids) override {
    std::map<int64_t, int64_t> versions;
    if (ids.empty()) return versions;
    SqlQuery query;
    query.Add("SELECT id, version FROM suppliers WHERE id IN (");
    AddIds(query, ids);
    query.Add(") ORDER BY id FOR UPDATE");
    common::QueryResult rows = common::Query(connection_, query);
    while (rows->next()) versions[rows->getInt64("id")] = rows->getInt64("version");
    return versions;
  }

  absl::StatusOr<std::optional<StoredPlan>> LockPlan(int64_t plan_id) override {
    SqlQuery query;
    query.Add(absl::StrCat(kSelectPlan, " WHERE id = ? FOR UPDATE"), {plan_id});
    return ReadOnePlan(connection_, query);
  }

  absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> LockLiveOfferingVersions(
      const std::vector<int64_t>& supplier_ids, int64_t plan_id) override {
    // Two statements, each on its own index: an OR of the two would scan the
    // offerings (and lock every one of them).
    std::map<int64_t, int64_t> versions;
    SqlQuery mapped;
    mapped.Add(
        "SELECT o.id, o.version FROM consolidation_plan_item_mappings m STRAIGHT_JOIN offerings o"
        " FORCE INDEX (PRIMARY) ON o.id = m.to_offering_id WHERE m.plan_id = ?"
        " AND o.delete_time IS NULL FOR UPDATE",
        {plan_id});
    common::QueryResult rows = common::Query(connection_, mapped);
    while (rows->next()) versions[rows->getInt64("id")] = rows->getInt64("version");
    if (!supplier_ids.empty()) {
      SqlQuery owned;
      owned.Add(
          "SELECT id, version FROM offerings FORCE INDEX (offerings_by_supplier)"
          " WHERE supplier_id IN (");
      AddIds(owned, supplier_ids);
      owned.Add(") AND delete_time IS NULL FOR UPDATE");
      rows = common::Query(connection_, owned);
      while (rows->next()) versions[rows->getInt64("id")] = rows->getInt64("version");
    }
    return std::vector<std::pair<int64_t, int64_t>>(versions.begin(), versions.end());
  }

  absl::StatusOr<int64_t> InsertConsolidation(
      const v1::Consolidation& c, int64_t plan_id, const std::vector<int64_t>& keeper_ids,
      const std::map<int64_t, int64_t>& retired_into) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO consolidations (category, request_id, actor, suppliers_before_count,"
        " suppliers_after_count, moved_purchase_order_count, moved_contract_count,"
        " moved_offering_count, savings_minor, savings_currency, details, execute_time)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?)",
        {int64_t{c.category()}, c.request_id(), c.actor(), int64_t{c.suppliers_before_count()},
         int64_t{c.suppliers_after_count()}, c.estimated_annual_savings().amount_minor(),
         c.estimated_annual_savings().currency_code(), c.SerializeAsString(),
         common::SqlTime(c.execute_time())});
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);

    std::vector<SqlValue> members;
    for (int64_t keeper : keeper_ids) {
      members.insert(members.end(), {id, keeper, kRoleKeeper, SqlNull{}});
    }
    for (const auto& [retired, into] : retired_into) {
      members.insert(members.end(), {id, retired, kRoleRetired, into});
    }
    common::ExecuteBatched(connection_,
                           "INSERT INTO consolidation_suppliers (consolidation_id, supplier_id,"
                           " role, consolidated_into_id) VALUES ",
                           "(?, ?, ?, ?)", "", 4, members, kRowsPerInsert);

    SqlQuery copy;
    copy.Add(absl::StrCat("INSERT INTO consolidation_item_mappings (consolidation_id, ",
                          kMappingColumns, ") SELECT ?, ", kMappingColumns,
                          " FROM consolidation_plan_item_mappings WHERE plan_id = ?"
                          " ORDER BY from_offering_id"),
             {id, plan_id});
    common::Execute(connection_, copy);
    SqlQuery executed;
    executed.Add("UPDATE consolidation_plans SET consolidation_id = ? WHERE id = ?", {id, plan_id});
    common::Execute(connection_, executed);
    return id;
  }

  absl::StatusOr<MovedCounts> MoveDocuments(int64_t cid, absl::Time now) override {
    const std::string time = common::FormatMysqlDatetime(now);
    MovedCounts moved;
    auto run = [&](std::string_view text, std::initializer_list<SqlValue> values) {
      SqlQuery query;
      query.Add(text, values);
      return common::Execute(connection_, query);
    };
    // The UPDATEs keep their temporary tables in memory (WithLargeTempTables):
    // MariaDB collects the rows and new values of every table but the first
    // of a multi-table UPDATE, ~850 bytes an order with the name snapshot, and
    // spilled them to disk past 16 MB (ExecuteConsolidation at 2x: 8.6 s ->
    // 8.1 s). Open orders of the retired suppliers: ...
    // Every statement starts from the retired suppliers (STRAIGHT_JOIN): the
    // mapping rows were just written in this transaction, so the optimizer's
    // statistics know nothing of them and would otherwise start there. Each
    // join names its index (FORCE INDEX): right after a bulk load InnoDB's
    // sampled statistics can call purchase_orders_scorecard_delivery unselective, and
    // the optimizer then scanned all orders once per retired supplier
    // (quadratic: 29 s at 2x); with the index every statement is linear.
    constexpr char kOpenOrders[] =
        "consolidation_suppliers cs STRAIGHT_JOIN purchase_orders p"
        " FORCE INDEX (purchase_orders_scorecard_delivery)"
        " ON p.supplier_id = cs.supplier_id AND p.status IN (?, ?) ";
    constexpr char kMappedLines[] =
        "STRAIGHT_JOIN purchase_order_lines l FORCE INDEX (PRIMARY)"
        " ON l.purchase_order_id = p.id STRAIGHT_JOIN consolidation_item_mappings m"
        " FORCE INDEX (consolidation_item_mappings_by_item)"
        " ON m.consolidation_id = cs.consolidation_id"
        " AND m.from_supplier_id = cs.supplier_id AND m.item = l.item"
        " AND m.currency = p.total_currency ";
    constexpr char kRetired[] = " cs.consolidation_id = ? AND cs.role = ?";
    // ... each mapped line's first price (kept from an earlier consolidation)
    // and the keeper's price and offering, in one pass over the lines (p and l
    // are not the first table of the join, so MariaDB computes every SET value
    // from the row as read; the IFNULL sees the old price either way) ...
    run(common::WithLargeTempTables(
            absl::StrCat("UPDATE ", kOpenOrders, kMappedLines,
                         "SET l.original_unit_price_minor ="
                         " IFNULL(l.original_unit_price_minor, l.unit_price_minor),"
                         " l.unit_price_minor = m.to_unit_price_minor,"
                         " l.amount_minor = l.quantity * m.to_unit_price_minor,"
                         " l.offering_id = m.to_offering_id WHERE",
                         kRetired)),
        {kOpen, kConfirmed, cid, kRoleRetired});
    // ... then the order itself: to the keeper of its first mapped line, else
    // the supplier's consolidated_into (one row per order, in order id order) ...
    run(absl::StrCat("INSERT INTO consolidation_purchase_orders (consolidation_id,"
                     " purchase_order_id, from_supplier_id, to_supplier_id)"
                     " SELECT cs.consolidation_id, p.id, cs.supplier_id, IFNULL((SELECT"
                     " m.to_supplier_id FROM purchase_order_lines l FORCE INDEX (PRIMARY)"
                     " STRAIGHT_JOIN consolidation_item_mappings m"
                     " FORCE INDEX (consolidation_item_mappings_by_item)"
                     " ON m.consolidation_id = cs.consolidation_id"
                     " AND m.from_supplier_id = cs.supplier_id AND m.item = l.item"
                     " AND m.currency = p.total_currency WHERE l.purchase_order_id = p.id"
                     " ORDER BY l.line_number, m.from_offering_id LIMIT 1),"
                     " cs.consolidated_into_id) FROM ",
                     kOpenOrders, "WHERE", kRetired, " ORDER BY p.id"),
        {kOpen, kConfirmed, cid, kRoleRetired});
    // ... with its total of the re-priced lines and, unless an earlier
    // consolidation kept them, the retired supplier and its name as a snapshot
    // (one pass over the orders; values computed from the row as read).
    moved.purchase_orders =
        run(common::WithLargeTempTables(
                "UPDATE consolidation_purchase_orders mv STRAIGHT_JOIN purchase_orders p"
                " FORCE INDEX (PRIMARY) ON p.id = mv.purchase_order_id"
                " STRAIGHT_JOIN suppliers s FORCE INDEX (PRIMARY) ON s.id = mv.from_supplier_id"
                " SET p.original_supplier_display_name = IF(p.original_supplier_id IS NULL,"
                " s.display_name, p.original_supplier_display_name),"
                " p.original_supplier_id = IFNULL(p.original_supplier_id, mv.from_supplier_id),"
                " p.supplier_id = mv.to_supplier_id, p.total_minor = IFNULL((SELECT"
                " SUM(l.amount_minor) FROM purchase_order_lines l FORCE INDEX (PRIMARY)"
                " WHERE l.purchase_order_id = mv.purchase_order_id), p.total_minor),"
                " p.version = p.version + 1, p.update_time = ? WHERE mv.consolidation_id = ?"),
            {time, cid});
    // Draft and active contracts go to the supplier's consolidated_into.
    constexpr char kOpenContracts[] =
        "consolidation_suppliers cs STRAIGHT_JOIN contracts k"
        " FORCE INDEX (contracts_by_supplier)"
        " ON k.supplier_id = cs.supplier_id AND k.state IN (?, ?) ";
    run(absl::StrCat("UPDATE ", kOpenContracts,
                     "STRAIGHT_JOIN suppliers s FORCE INDEX (PRIMARY) ON s.id = cs.supplier_id"
                     " SET k.original_supplier_id = k.supplier_id,"
                     " k.original_supplier_display_name = s.display_name WHERE",
                     kRetired, " AND k.original_supplier_id IS NULL"),
        {kDraft, kActive, cid, kRoleRetired});
    moved.contracts =
        run(absl::StrCat("UPDATE ", kOpenContracts,
                         "SET k.supplier_id = cs.consolidated_into_id, k.version = k.version + 1,"
                         " k.update_time = ? WHERE",
                         kRetired),
            {kDraft, kActive, time, cid, kRoleRetired});
    // Live offerings go to the keeper they map to, at its price.
    moved.offerings = run(
        common::WithLargeTempTables(
            "UPDATE consolidation_item_mappings m STRAIGHT_JOIN offerings o FORCE INDEX (PRIMARY)"
            " ON o.id = m.from_offering_id"
            " SET o.original_supplier_id = IFNULL(o.original_supplier_id, m.from_supplier_id),"
            " o.supplier_id = m.to_supplier_id, o.unit_price_minor = m.to_unit_price_minor,"
            " o.version = o.version + 1, o.update_time = ?"
            " WHERE m.consolidation_id = ? AND o.delete_time IS NULL"),
        {time, cid});
    return moved;
  }

  absl::Status FinishConsolidation(int64_t id, const v1::Consolidation& c) override {
    SqlQuery update;
    update.Add(
        "UPDATE consolidations SET moved_purchase_order_count = ?, moved_contract_count = ?,"
        " moved_offering_count = ?, details = ? WHERE id = ?",
        {c.moved_purchase_order_count(), c.moved_contract_count(), c.moved_offering_count(),
         c.SerializeAsString(), id});
    common::Execute(connection_, update);
    return absl::OkStatus();
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  absl::StatusOr<std::map<int64_t, StoredSupplier>> LockSuppliers(
      const std::vector<int64_t>& ids) override {
    return LockSuppliersById(connection_, ids);
  }

  absl::Status RetireSuppliers(
      int64_t cid, const std::map<int64_t, int64_t>& expected_versions,
      const std::vector<std::pair<int64_t, v1::SupplierStatusChange>>& changes,
      absl::Time now) override {
    if (changes.empty()) return absl::OkStatus();
    const std::string time = common::SqlTime(common::ToProtoTimestamp(now));
    std::vector<SqlValue> history;
    history.reserve(changes.size() * 8);
    // (id, expected version, consolidated_into) of each supplier, a chunk at a
    // time as a derived table the UPDATE joins (one statement per chunk).
    std::vector<std::tuple<int64_t, int64_t, int64_t>> targets;
    for (const auto& [supplier_id, change] : changes) {
      absl::StatusOr<int64_t> keeper = common::ParseResourceId(
          "status_change.consolidated_into", change.consolidated_into(), "suppliers");
      if (!keeper.ok()) return keeper.status();
      auto version = expected_versions.find(supplier_id);
      if (version == expected_versions.end()) {
        return absl::InternalError("retired supplier without an expected version");
      }
      targets.emplace_back(supplier_id, version->second, *keeper);
      history.insert(history.end(),
                     {supplier_id, int64_t{change.from_status()}, int64_t{change.to_status()},
                      change.reason(), *keeper, cid, change.actor(),
                      common::SqlTime(change.change_time())});
    }
    for (size_t begin = 0; begin < targets.size(); begin += kRowsPerInsert) {
      const size_t end = std::min(targets.size(), begin + kRowsPerInsert);
      SqlQuery update;
      update.Add("UPDATE (");
      for (size_t i = begin; i < end; ++i) {
        update.Add(i == begin ? "SELECT ? AS id, ? AS version, ? AS into_id"
                              : " UNION ALL SELECT ?, ?, ?",
                   {std::get<0>(targets[i]), std::get<1>(targets[i]), std::get<2>(targets[i])});
      }
      update.Add(
          ") v STRAIGHT_JOIN suppliers s FORCE INDEX (PRIMARY) ON s.id = v.id"
          " AND s.version = v.version SET s.status = ?, s.consolidated_into_id = v.into_id,"
          " s.update_time = ?, s.version = s.version + 1",
          {int64_t{v1::SUPPLIER_STATUS_CONSOLIDATED}, time});
      if (common::Execute(connection_, update) != static_cast<int64_t>(end - begin)) {
        return absl::AbortedError(
            "a retiring supplier was modified concurrently; plan the consolidation again");
      }
    }
    common::ExecuteBatched(connection_,
                           "INSERT INTO supplier_status_changes (supplier_id, from_status,"
                           " to_status, reason, consolidated_into_id, consolidation_id, actor,"
                           " change_time) VALUES ",
                           "(?, ?, ?, ?, ?, ?, ?, ?)", "", 8, history, kRowsPerInsert);
    return absl::OkStatus();
  }

  absl::Status InsertAuditEntries(
      const std::vector<crm::common::v1::AuditEntry>& entries) override {
    if (!entries.empty()) common::InsertAuditEntries(connection_, entries);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
  std::unique_ptr<SupplierStore> suppliers_;
};

}  // namespace

MySqlConsolidationRepository::MySqlConsolidationRepository(common::MySqlPool& pool)
    : pool_(pool) {}

absl::StatusOr<PlanLoad> MySqlConsolidationRepository::LoadPlanInputs(
    absl::Time deadline, v1::SupplierCategory category, const common::CalendarDate& period_start,
    const common::CalendarDate& period_end) {
  const std::initializer_list<SqlValue> candidate_values = {
      int64_t{category}, int64_t{v1::SUPPLIER_STATUS_ACTIVE},
      int64_t{v1::SUPPLIER_STATUS_PREFERRED}, int64_t{v1::SUPPLIER_STATUS_ON_HOLD}};
  PlanLoad load;
  // One transaction: every query reads the same snapshot.
  absl::Status status = common::RunInTransaction(pool_, deadline, [&](sql::Connection& c) {
    load = PlanLoad{};
    absl::StatusOr<StoredScorecardWeights> weights = SelectScorecardWeights(c, false);
    if (!weights.ok()) return weights.status();
    load.weights = *std::move(weights);
    ScorecardScope scope;
    scope.category = category;
    scope.statuses = {v1::SUPPLIER_STATUS_ACTIVE, v1::SUPPLIER_STATUS_PREFERRED,
                      v1::SUPPLIER_STATUS_ON_HOLD};
    scope.period_start = period_start;
    scope.period_end = period_end;
    absl::StatusOr<std::vector<ScorecardFigures>> figures = SelectScorecardFigures(c, scope);
    if (!figures.ok()) return figures.status();
    load.figures = *std::move(figures);

    SqlQuery states;
    states.Add(absl::StrCat(
                   "SELECT s.id, s.version, (SELECT COUNT(*) FROM purchase_orders p"
                   " WHERE p.supplier_id = s.id AND p.status IN (?, ?)) AS open_orders,"
                   " (SELECT COUNT(*) FROM contracts k WHERE k.supplier_id = s.id"
                   " AND k.state IN (?, ?)) AS contracts FROM (",
                   kCandidates, ") m JOIN suppliers s ON s.id = m.id"),
               {kOpen, kConfirmed, kDraft, kActive});
    states.params.insert(states.params.end(), candidate_values.begin(), candidate_values.end());
    common::QueryResult rows = common::Query(c, states);
    while (rows->next()) {
      PlanLoad::SupplierState& state = load.states[rows->getInt64("id")];
      state.version = rows->getInt64("version");
      state.open_purchase_order_count = rows->getInt64("open_orders");
      state.contract_count = rows->getInt64("contracts");
    }

    SqlQuery offerings;
    offerings.Add(absl::StrCat("SELECT o.id, o.supplier_id, o.version, o.item, o.currency,"
                               " o.unit_price_minor FROM (",
                               kCandidates,
                               ") m JOIN offerings o ON o.supplier_id = m.id"
                               " WHERE o.delete_time IS NULL ORDER BY o.id"),
                  candidate_values);
    rows = common::Query(c, offerings);
    while (rows->next()) {
      PlanOffering o;
      o.id = rows->getInt64("id");
      o.supplier_id = rows->getInt64("supplier_id");
      o.version = rows->getInt64("version");
      o.item = common::ReadString(*rows, "item");
      o.currency = common::ReadString(*rows, "currency");
      o.unit_price_minor = rows->getInt64("unit_price_minor");
      load.offerings.push_back(std::move(o));
    }

    // The scope is the candidates, so their volumes come with the figures.
    for (const ScorecardFigures& f : load.figures) {
      for (const auto& [item, quantity] : f.item_quantities) {
        load.quantities[{f.supplier_id, item.first, item.second}] = quantity;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return load;
}

absl::StatusOr<int64_t> MySqlConsolidationRepository::InsertPlan(
    absl::Time deadline, const v1::ConsolidationPlan& plan, const std::vector<MappingRow>& mappings,
    std::string_view actor, absl::Time now) {
  int64_t id = 0;
  absl::Status status = common::RunInTransaction(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery purge;
    purge.Add(
        "DELETE FROM consolidation_plans WHERE expire_time < ? ORDER BY expire_time, id LIMIT ?",
        {common::FormatMysqlDatetime(now), kExpiredPlansPerPurge});
    common::Execute(c, purge);

    SqlQuery insert;
    insert.Add(
        "INSERT INTO consolidation_plans (category, actor, details, plan_time, expire_time)"
        " VALUES (?, ?, ?, ?, ?)",
        {int64_t{plan.category()}, std::string(actor), plan.SerializeAsString(),
         common::SqlTime(plan.plan_time()), common::SqlTime(plan.expire_time())});
    common::Execute(c, insert);
    id = common::LastInsertId(c);

    std::vector<SqlValue> rows;
    rows.reserve(mappings.size() * 11);
    for (const MappingRow& m : mappings) {
      rows.insert(rows.end(),
                  {id, m.from_offering_id, m.from_supplier_id, m.item, m.currency, m.to_supplier_id,
                   m.to_offering_id, m.from_unit_price_minor, m.to_unit_price_minor,
                   m.annual_quantity, int64_t{m.sole_source ? 1 : 0}});
    }
    if (!rows.empty()) {
      common::ExecuteBatched(c,
                             absl::StrCat("INSERT INTO consolidation_plan_item_mappings (plan_id, ",
                                          kMappingColumns, ") VALUES "),
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", 11, rows, kRowsPerInsert);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return id;
}

absl::StatusOr<std::optional<StoredPlan>> MySqlConsolidationRepository::GetPlan(absl::Time deadline,
                                                                                int64_t plan_id) {
  SqlQuery query;
  query.Add(absl::StrCat(kSelectPlan, " WHERE id = ?"), {plan_id});
  return common::ReadWithConnection(pool_, deadline,
                                    [&](sql::Connection& c) { return ReadOnePlan(c, query); });
}

absl::StatusOr<std::optional<std::vector<StoredItemMapping>>>
MySqlConsolidationRepository::ListItemMappings(absl::Time deadline,
                                               const ItemMappingListQuery& list) {
  const bool of_plan = list.owner == ItemMappingListQuery::Owner::kPlan;
  SqlQuery owner;
  owner.Add(of_plan ? "SELECT 1 FROM consolidation_plans WHERE id = ?"
                    : "SELECT 1 FROM consolidations WHERE id = ?",
            {list.owner_id});
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kMappingColumns, " FROM ",
                         of_plan ? "consolidation_plan_item_mappings WHERE plan_id = ?"
                                 : "consolidation_item_mappings WHERE consolidation_id = ?"),
            {list.owner_id});
  common::AddConditions(query, list.conditions, &MappingColumnSql);
  if (list.after_offering_id.has_value()) {
    query.Add(" AND from_offering_id > ?", {*list.after_offering_id});
  }
  query.Add(" ORDER BY from_offering_id LIMIT ?", {int64_t{list.limit}});
  std::optional<std::vector<StoredItemMapping>> result;
  // One transaction: the owner and its mappings are read from one snapshot.
  absl::Status status = common::RunInTransaction(pool_, deadline, [&](sql::Connection& c) {
    result.reset();
    if (!common::Query(c, owner)->next()) return absl::OkStatus();
    result.emplace();
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) result->push_back(ReadItemMapping(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::string> MySqlConsolidationRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(ConsolidationStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlConsolidationStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredConsolidation>> MySqlConsolidationRepository::GetConsolidation(
    absl::Time deadline, int64_t id) {
  std::optional<StoredConsolidation> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery query;
    query.Add("SELECT id, details FROM consolidations WHERE id = ?", {id});
    common::QueryResult row = common::Query(c, query);
    if (!row->next()) return absl::OkStatus();
    absl::StatusOr<StoredConsolidation> stored = ReadConsolidation(*row);
    if (!stored.ok()) return stored.status();
    result = *std::move(stored);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<StoredConsolidation>> MySqlConsolidationRepository::ListConsolidations(
    absl::Time deadline, const ConsolidationListQuery& list) {
  SqlQuery query;
  query.Add("SELECT c.id, c.details FROM consolidations c WHERE TRUE");
  std::vector<ConsolidationCondition> columns;
  for (const ConsolidationCondition& condition : list.conditions) {
    if (condition.column != ConsolidationColumn::kKeeper &&
        condition.column != ConsolidationColumn::kRetiredSupplier) {
      columns.push_back(condition);
      continue;
    }
    const bool negated = condition.match == common::Match::kNotEqual;
    query.Add(absl::StrCat(" AND ", negated ? "NOT " : "",
                           "EXISTS (SELECT 1 FROM consolidation_suppliers x"
                           " WHERE x.consolidation_id = c.id AND x.role = ? AND x.supplier_id = ?)"),
              {condition.column == ConsolidationColumn::kKeeper ? kRoleKeeper : kRoleRetired,
               std::get<int64_t>(condition.value)});
  }
  common::AddConditions(query, columns, &ColumnSql);
  if (list.before_id.has_value()) query.Add(" AND c.id < ?", {*list.before_id});
  query.Add(" ORDER BY c.id DESC LIMIT ?", {int64_t{list.limit}});
  std::vector<StoredConsolidation> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      absl::StatusOr<StoredConsolidation> stored = ReadConsolidation(*rows);
      if (!stored.ok()) return stored.status();
      result.push_back(*std::move(stored));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace crm::supplier
