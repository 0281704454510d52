#include "supplier_svc/repository/mysql_contract_repository.h"

#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "common/mysql/versioned_update.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "supplier_svc/repository/procurement_rows.h"

namespace crm::supplier {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr std::string_view kContracts = "contracts";
constexpr std::string_view kSuppliers = "suppliers";

constexpr char kContractColumns[] =
    "k.id, k.contract_number, k.supplier_id, k.original_supplier_id, "
    "k.original_supplier_display_name, k.title, k.start_date, k.end_date, k.state, k.currency, "
    "k.committed_minor, k.ordered_minor, k.termination_reason, k.version, k.create_time, "
    "k.update_time";

constexpr char kWrittenColumns[] =
    "supplier_id = ?, original_supplier_id = ?, original_supplier_display_name = ?, title = ?, "
    "start_date = ?, end_date = ?, state = ?, currency = ?, committed_minor = ?, "
    "ordered_minor = ?, termination_reason = ?, create_time = ?, update_time = ?";

std::string_view ContractColumnSql(ContractColumn column) {
  switch (column) {
    case ContractColumn::kSupplier:
      return "k.supplier_id";
    case ContractColumn::kStartDate:
      return "k.start_date";
    case ContractColumn::kEndDate:
      return "k.end_date";
    case ContractColumn::kState:  // see AddContractConditions
    case ContractColumn::kItem:
      break;
  }
  return "NULL";
}

std::string_view OrderColumnSql(ContractOrder order) {
  switch (order) {
    case ContractOrder::kStartDate:
      return "k.start_date";
    case ContractOrder::kCreateTime:
      return "k.create_time";
    case ContractOrder::kEndDate:
      break;
  }
  return "k.end_date";
}

// State conditions compare the effective state (ACTIVE past its end date is
// EXPIRED); item conditions test for a line; the rest compare columns.
void AddContractConditions(SqlQuery& query, const std::vector<ContractCondition>& conditions,
                           const std::string& today) {
  std::vector<ContractCondition> columns;
  for (const ContractCondition& condition : conditions) {
    const bool negated = condition.match == common::Match::kNotEqual;
    if (condition.column == ContractColumn::kState) {
      query.Add(absl::StrCat(" AND IF(k.state = ? AND k.end_date < ?, ?, k.state) ",
                             negated ? "<>" : "=", " ?"),
                {int64_t{v1::CONTRACT_STATE_ACTIVE}, today, int64_t{v1::CONTRACT_STATE_EXPIRED},
                 std::get<int64_t>(condition.value)});
    } else if (condition.column == ContractColumn::kItem) {
      query.Add(absl::StrCat(" AND ", negated ? "NOT " : "",
                             "EXISTS (SELECT 1 FROM contract_lines fl"
                             " WHERE fl.contract_id = k.id AND fl.item = ?)"),
                {std::get<std::string>(condition.value)});
    } else {
      columns.push_back(condition);
    }
  }
  common::AddConditions(query, columns, &ContractColumnSql);
}

absl::StatusOr<StoredContract> ReadContract(const sql::ResultSet& row) {
  StoredContract stored;
  stored.id = row.getInt64("id");
  stored.supplier_id = row.getInt64("supplier_id");
  stored.version = row.getInt64("version");
  v1::Contract& contract = stored.contract;
  contract.set_name(common::FormatResourceName(kContracts, stored.id));
  contract.set_contract_number(common::ReadString(row, "contract_number"));
  contract.set_supplier(common::FormatResourceName(kSuppliers, stored.supplier_id));
  if (!row.isNull("original_supplier_id")) {
    contract.set_original_supplier(
        common::FormatResourceName(kSuppliers, row.getInt64("original_supplier_id")));
  }
  contract.set_original_supplier_display_name(
      common::ReadString(row, "original_supplier_display_name"));
  contract.set_title(common::ReadString(row, "title"));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, crm::common::v1::Date*>>{
           {"start_date", contract.mutable_start_date()},
           {"end_date", contract.mutable_end_date()}}) {
    absl::StatusOr<bool> read = ReadDateColumn(row, column, field);
    if (!read.ok()) return read.status();
  }
  contract.set_state(static_cast<v1::ContractState>(row.getInt("state")));
  const std::string currency = common::ReadString(row, "currency");
  const int64_t committed = row.getInt64("committed_minor");
  const int64_t ordered = row.getInt64("ordered_minor");
  auto money = [&](crm::common::v1::Money* field, int64_t amount) {
    field->set_amount_minor(amount);
    field->set_currency_code(currency);
  };
  money(contract.mutable_committed_amount(), committed);
  money(contract.mutable_ordered_amount(), ordered);
  money(contract.mutable_remaining_amount(), std::max<int64_t>(0, committed - ordered));
  contract.set_termination_reason(common::ReadString(row, "termination_reason"));
  contract.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", contract.mutable_create_time()},
           {"update_time", contract.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  return stored;
}

// Reads the lines of `contracts` (keyed by id) in line order.
void AttachLines(sql::Connection& connection, std::vector<StoredContract>& contracts,
                 bool for_update) {
  if (contracts.empty()) return;
  std::map<int64_t, StoredContract*> by_id;
  SqlQuery query;
  query.Add(
      "SELECT contract_id, line_number, item, unit_price_minor, committed_quantity, "
      "ordered_quantity FROM contract_lines WHERE contract_id IN (");
  for (size_t i = 0; i < contracts.size(); ++i) {
    query.Add(i == 0 ? "?" : ", ?", {contracts[i].id});
    by_id[contracts[i].id] = &contracts[i];
  }
  query.Add(absl::StrCat(") ORDER BY contract_id, line_number", for_update ? " FOR UPDATE" : ""));
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    StoredContract& stored = *by_id.at(rows->getInt64("contract_id"));
    v1::ContractLine& line = *stored.contract.add_lines();
    line.set_item(common::ReadString(*rows, "item"));
    line.mutable_unit_price()->set_amount_minor(rows->getInt64("unit_price_minor"));
    line.mutable_unit_price()->set_currency_code(
        stored.contract.committed_amount().currency_code());
    line.set_committed_quantity(rows->getInt64("committed_quantity"));
    line.set_ordered_quantity(rows->getInt64("ordered_quantity"));
    line.set_remaining_quantity(
        std::max<int64_t>(0, line.committed_quantity() - line.ordered_quantity()));
  }
}

absl::StatusOr<std::vector<StoredContract>> SelectContracts(sql::Connection& connection,
                                                            const SqlQuery& query,
                                                            bool for_update) {
  absl::StatusOr<std::vector<StoredContract>> contracts =
      common::QueryRows(connection, query, ReadContract);
  if (!contracts.ok()) return contracts.status();
  AttachLines(connection, *contracts, for_update);
  return contracts;
}

absl::StatusOr<std::optional<StoredContract>> SelectContract(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kContractColumns, " FROM contracts k WHERE k.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  absl::StatusOr<std::vector<StoredContract>> found =
      SelectContracts(connection, query, for_update);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

absl::StatusOr<std::vector<SqlValue>> ContractValues(const v1::Contract& contract) {
  absl::StatusOr<int64_t> supplier_id =
      common::ParseResourceId("contract.supplier", contract.supplier(), kSuppliers);
  if (!supplier_id.ok()) return supplier_id.status();
  SqlValue original = SqlNull{};
  if (!contract.original_supplier().empty()) {
    absl::StatusOr<int64_t> id = common::ParseResourceId("contract.original_supplier",
                                                         contract.original_supplier(), kSuppliers);
    if (!id.ok()) return id.status();
    original = *id;
  }
  const std::string currency = contract.lines_size() > 0
                                   ? contract.lines(0).unit_price().currency_code()
                                   : contract.committed_amount().currency_code();
  return std::vector<SqlValue>{
      *supplier_id,
      original,
      contract.original_supplier_display_name(),
      contract.title(),
      SqlDate(contract.start_date(), true),
      SqlDate(contract.end_date(), true),
      int64_t{contract.state()},
      currency,
      contract.committed_amount().amount_minor(),
      contract.ordered_amount().amount_minor(),
      contract.termination_reason(),
      common::SqlTime(contract.create_time()),
      common::SqlTime(contract.update_time()),
  };
}

class MySqlContractStore final : public ContractStore {
 public:
  explicit MySqlContractStore(sql::Connection& connection)
      : connection_(connection), suppliers_(MakeMySqlSupplierStore(connection)) {}

  absl::StatusOr<std::optional<StoredContract>> LockContract(int64_t id) override {
    return SelectContract(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredContract> InsertContract(const v1::Contract& contract) override {
    absl::StatusOr<std::vector<SqlValue>> values = ContractValues(contract);
    if (!values.ok()) return values.status();
    // A placeholder number unique to this connection until the id is known.
    SqlQuery insert;
    insert.text = absl::StrCat("INSERT INTO contracts SET ", kWrittenColumns,
                               ", contract_number = CONCAT('pending-', CONNECTION_ID()), "
                               "version = 1");
    insert.params = *std::move(values);
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    SqlQuery number;
    number.Add("UPDATE contracts SET contract_number = ? WHERE id = ?",
               {absl::StrFormat("CT-%06d", id), id});
    common::Execute(connection_, number);
    WriteLines(id, contract);
    return Reread(id);
  }

  absl::StatusOr<StoredContract> UpdateContract(const v1::Contract& contract,
                                                int64_t expected_version,
                                                bool replace_lines) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("contract.name", contract.name(), kContracts);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::vector<SqlValue>> values = ContractValues(contract);
    if (!values.ok()) return values.status();
    if (absl::Status updated =
            common::UpdateAtVersion(connection_, "contracts", kWrittenColumns, *std::move(values),
                                    *id, expected_version, contract.name());
        !updated.ok()) {
      return updated;
    }
    if (replace_lines) {
      SqlQuery clear;
      clear.Add("DELETE FROM contract_lines WHERE contract_id = ?", {*id});
      common::Execute(connection_, clear);
      WriteLines(*id, contract);
    } else {
      for (int i = 0; i < contract.lines_size(); ++i) {
        SqlQuery line;
        line.Add(
            "UPDATE contract_lines SET ordered_quantity = ? WHERE contract_id = ? AND "
            "line_number = ?",
            {contract.lines(i).ordered_quantity(), *id, int64_t{i + 1}});
        common::Execute(connection_, line);
      }
    }
    return Reread(*id);
  }

  absl::StatusOr<v1::Offering> InsertOffering(const v1::Offering& offering) override {
    absl::StatusOr<int64_t> supplier_id =
        common::ParseResourceId("offering.supplier", offering.supplier(), kSuppliers);
    if (!supplier_id.ok()) return supplier_id.status();
    SqlValue contract_id = SqlNull{};
    if (!offering.contract().empty()) {
      absl::StatusOr<int64_t> id =
          common::ParseResourceId("offering.contract", offering.contract(), kContracts);
      if (!id.ok()) return id.status();
      contract_id = *id;
    }
    SqlQuery insert;
    insert.Add(
        "INSERT INTO offerings (supplier_id, item, supplier_item_code, description, "
        "unit_price_minor, currency, minimum_quantity, lead_time_days, valid_from, valid_until, "
        "contract_id, version, create_time, update_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        {*supplier_id, offering.item(), offering.supplier_item_code(), offering.description(),
         offering.unit_price().amount_minor(), offering.unit_price().currency_code(),
         offering.minimum_quantity(), int64_t{offering.lead_time_days()},
         SqlDate(offering.valid_from(), offering.has_valid_from()),
         SqlDate(offering.valid_until(), offering.has_valid_until()), contract_id,
         common::SqlTime(offering.create_time()), common::SqlTime(offering.update_time())});
    common::Execute(connection_, insert);
    v1::Offering stored = offering;
    stored.set_name(common::FormatResourceName("offerings", common::LastInsertId(connection_)));
    stored.set_etag(common::FormatEtag(1));
    return stored;
  }

  absl::StatusOr<std::vector<std::pair<v1::Offering, v1::Offering>>> DeleteContractOfferings(
      int64_t contract_id, absl::Time now) override {
    SqlQuery select;
    select.Add(absl::StrCat("SELECT ", kOfferingRowColumns,
                            " FROM offerings o WHERE o.contract_id = ? AND o.delete_time IS NULL"
                            " ORDER BY o.id FOR UPDATE"),
               {contract_id});
    std::vector<std::pair<v1::Offering, v1::Offering>> changes;
    common::QueryResult rows = common::Query(connection_, select);
    while (rows->next()) {
      absl::StatusOr<v1::Offering> before = ReadOfferingRow(*rows);
      if (!before.ok()) return before.status();
      v1::Offering after = *before;
      *after.mutable_delete_time() = common::ToProtoTimestamp(now);
      *after.mutable_update_time() = common::ToProtoTimestamp(now);
      changes.emplace_back(*std::move(before), std::move(after));
    }
    if (changes.empty()) return changes;
    SqlQuery update;
    const std::string time = common::FormatMysqlDatetime(now);
    update.Add(
        "UPDATE offerings SET delete_time = ?, update_time = ?, version = version + 1"
        " WHERE contract_id = ? AND delete_time IS NULL",
        {time, time, contract_id});
    common::Execute(connection_, update);
    for (auto& [before, after] : changes) {
      absl::StatusOr<int64_t> version = common::ParseEtag("etag", before.etag());
      if (version.ok()) after.set_etag(common::FormatEtag(*version + 1));
    }
    return changes;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  SupplierStore& Suppliers() override { return *suppliers_; }

 private:
  void WriteLines(int64_t id, const v1::Contract& contract) {
    if (contract.lines().empty()) return;
    SqlQuery insert;
    insert.Add(
        "INSERT INTO contract_lines (contract_id, line_number, item, unit_price_minor, "
        "committed_quantity, ordered_quantity) VALUES ");
    for (int i = 0; i < contract.lines_size(); ++i) {
      const v1::ContractLine& line = contract.lines(i);
      insert.Add(i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)",
                 {id, int64_t{i + 1}, line.item(), line.unit_price().amount_minor(),
                  line.committed_quantity(), line.ordered_quantity()});
    }
    common::Execute(connection_, insert);
  }

  absl::StatusOr<StoredContract> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredContract>> stored =
        SelectContract(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("contract vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
  std::unique_ptr<SupplierStore> suppliers_;
};

}  // namespace

std::unique_ptr<ContractStore> MakeMySqlContractStore(sql::Connection& connection) {
  return std::make_unique<MySqlContractStore>(connection);
}

MySqlContractRepository::MySqlContractRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlContractRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(ContractStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlContractStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlContractRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(ContractStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlContractStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredContract>> MySqlContractRepository::GetContract(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredContract>> {
        return SelectContract(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredContract>> MySqlContractRepository::ListContracts(
    absl::Time deadline, const ContractListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kContractColumns, " FROM contracts k WHERE TRUE"));
  AddContractConditions(query, list.conditions, list.today);
  const std::string sort(OrderColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND k.id", after, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", k.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<StoredContract>> {
        return SelectContracts(c, query, false);
      });
}

}  // namespace crm::supplier
