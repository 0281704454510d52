#include "customer_svc/domain/pricing_rules.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/money.h"
#include "common/api/quote.h"

namespace crm::customer {
namespace {

using common::CalendarDate;

template <typename Message>
std::optional<CalendarDate> ValidUntil(const Message& message) {
  if (!message.has_valid_until()) return std::nullopt;
  return common::FromDateMessage(message.valid_until());
}

template <typename Message>
bool ValidOnDate(const Message& message, const CalendarDate& date) {
  return ValidOn(common::FromDateMessage(message.valid_from()), ValidUntil(message), date);
}

std::optional<CalendarDate> EarlierEnd(const std::optional<CalendarDate>& a,
                                       const std::optional<CalendarDate>& b) {
  if (!a.has_value()) return b;
  if (!b.has_value()) return a;
  return std::min(*a, *b);
}

std::string TierLabel(v1::Tier tier) {
  std::string_view name = v1::Tier_Name(tier);
  if (name.substr(0, 5) == "TIER_") name.remove_prefix(5);
  return std::string(name);
}

// The rule winning so far.
struct Winner {
  v1::PriceRuleKind kind = v1::PRICE_RULE_KIND_LIST_PRICE;
  int64_t unit_minor = 0;
  int32_t discount_basis_points = 0;
  std::string rule;
  std::string description;
  std::optional<CalendarDate> valid_until;
};

}  // namespace

int64_t DiscountedPriceHalfUp(int64_t list_minor, int32_t basis_points) {
  // list × (10000 − bp) / 10000, rounded half up; the product needs 128 bits.
  const __int128 numerator = static_cast<__int128>(list_minor) * (10000 - basis_points);
  return static_cast<int64_t>((numerator + 5000) / 10000);
}

int32_t DiscountBasisPointsHalfUp(int64_t list_minor, int64_t price_minor) {
  if (list_minor <= 0 || price_minor >= list_minor) return 0;
  // (list − price) × 10000 / list, rounded half up: (2n + d) / 2d.
  const __int128 numerator = static_cast<__int128>(list_minor - price_minor) * 10000;
  const __int128 rounded = (2 * numerator + list_minor) / (2 * static_cast<__int128>(list_minor));
  return static_cast<int32_t>(rounded > 10000 ? 10000 : rounded);
}

std::string FormatBasisPointsPercent(int32_t basis_points) {
  const int32_t whole = basis_points / 100;
  const int32_t hundredths = basis_points % 100;
  if (hundredths == 0) return absl::StrFormat("%d%%", whole);
  if (hundredths % 10 == 0) return absl::StrFormat("%d.%d%%", whole, hundredths / 10);
  return absl::StrFormat("%d.%02d%%", whole, hundredths);
}

bool ValidOn(const CalendarDate& from, const std::optional<CalendarDate>& until,
             const CalendarDate& date) {
  return from <= date && (!until.has_value() || date <= *until);
}

bool PeriodsOverlap(const CalendarDate& a_from, const std::optional<CalendarDate>& a_until,
                    const CalendarDate& b_from, const std::optional<CalendarDate>& b_until) {
  const CalendarDate a_end = a_until.value_or(common::kMaxCalendarDate);
  const CalendarDate b_end = b_until.value_or(common::kMaxCalendarDate);
  return a_from <= b_end && b_from <= a_end;
}

int64_t EffectiveMinQuantity(int64_t min_quantity) { return min_quantity < 1 ? 1 : min_quantity; }

absl::StatusOr<v1::PriceQuote> ComputeQuote(const QuoteInput& input,
                                            const PricingCandidates& candidates) {
  const std::string date_text = common::FormatIsoDate(input.date);

  // The list price.
  std::string currency = input.currency_code;
  if (currency.empty()) {
    std::set<std::string> currencies;
    for (const v1::PriceListEntry& entry : candidates.list_prices) {
      if (entry.sku() == input.sku && ValidOnDate(entry, input.date)) {
        currencies.insert(entry.list_price().currency_code());
      }
    }
    if (currencies.empty()) {
      return absl::NotFoundError(absl::StrFormat("no list price for sku %s on %s",
                                                 common::QuoteValue(input.sku), date_text));
    }
    if (currencies.size() > 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "currency_code: sku %s has list prices in %s on %s; name the currency to quote in",
          common::QuoteValue(input.sku), absl::StrJoin(currencies, ", "), date_text));
    }
    currency = *currencies.begin();
  }
  const v1::PriceListEntry* list = nullptr;
  for (const v1::PriceListEntry& entry : candidates.list_prices) {
    if (entry.sku() != input.sku || entry.list_price().currency_code() != currency ||
        !ValidOnDate(entry, input.date)) {
      continue;
    }
    // Writes reject overlapping entries; should two exist anyway, the later start wins.
    if (list == nullptr ||
        common::FromDateMessage(list->valid_from()) < common::FromDateMessage(entry.valid_from())) {
      list = &entry;
    }
  }
  if (list == nullptr) {
    return absl::NotFoundError(absl::StrFormat("no list price for sku %s in %s on %s",
                                               common::QuoteValue(input.sku), currency, date_text));
  }
  const int64_t list_minor = list->list_price().amount_minor();
  Winner winner{
      v1::PRICE_RULE_KIND_LIST_PRICE, list_minor, 0, list->name(), "list price", ValidUntil(*list)};

  // The best discount of the customer's tier.
  const v1::TierDiscount* discount = nullptr;
  for (const v1::TierDiscount& candidate : candidates.tier_discounts) {
    if (candidate.tier() != input.tier ||
        (!candidate.sku().empty() && candidate.sku() != input.sku) ||
        input.quantity < EffectiveMinQuantity(candidate.min_quantity()) ||
        !ValidOnDate(candidate, input.date)) {
      continue;
    }
    auto rank = [](const v1::TierDiscount& d) {
      return std::make_tuple(d.discount_basis_points(), !d.sku().empty(),
                             EffectiveMinQuantity(d.min_quantity()));
    };
    if (discount == nullptr || rank(*discount) < rank(candidate)) discount = &candidate;
  }
  if (discount != nullptr) {
    const int64_t price = DiscountedPriceHalfUp(list_minor, discount->discount_basis_points());
    if (price <= winner.unit_minor) {
      winner = Winner{v1::PRICE_RULE_KIND_TIER_DISCOUNT,
                      price,
                      discount->discount_basis_points(),
                      discount->name(),
                      absl::StrFormat("%s tier discount %s on list price", TierLabel(input.tier),
                                      FormatBasisPointsPercent(discount->discount_basis_points())),
                      EarlierEnd(ValidUntil(*list), ValidUntil(*discount))};
    }
  }

  // The customer's lowest special price.
  const v1::SpecialPrice* special = nullptr;
  for (const v1::SpecialPrice& candidate : candidates.special_prices) {
    if (candidate.sku() != input.sku || candidate.unit_price().currency_code() != currency ||
        input.quantity < EffectiveMinQuantity(candidate.min_quantity()) ||
        !ValidOnDate(candidate, input.date)) {
      continue;
    }
    auto rank = [](const v1::SpecialPrice& s) {
      return std::make_tuple(-s.unit_price().amount_minor(),
                             EffectiveMinQuantity(s.min_quantity()));
    };
    if (special == nullptr || rank(*special) < rank(candidate)) special = &candidate;
  }
  if (special != nullptr && special->unit_price().amount_minor() <= winner.unit_minor) {
    const int64_t price = special->unit_price().amount_minor();
    winner = Winner{v1::PRICE_RULE_KIND_SPECIAL_PRICE,
                    price,
                    DiscountBasisPointsHalfUp(list_minor, price),
                    special->name(),
                    absl::StrFormat("special price for %s", input.customer),
                    ValidUntil(*special)};
  }

  absl::StatusOr<int64_t> total =
      common::MultiplyMoney("quantity", winner.unit_minor, input.quantity);
  if (!total.ok()) return total.status();

  v1::PriceQuote quote;
  quote.set_customer(input.customer);
  quote.set_sku(input.sku);
  quote.set_quantity(input.quantity);
  quote.set_tier(input.tier);
  quote.mutable_list_unit_price()->set_amount_minor(list_minor);
  quote.mutable_list_unit_price()->set_currency_code(currency);
  quote.mutable_unit_price()->set_amount_minor(winner.unit_minor);
  quote.mutable_unit_price()->set_currency_code(currency);
  quote.mutable_total_price()->set_amount_minor(*total);
  quote.mutable_total_price()->set_currency_code(currency);
  quote.set_discount_basis_points(winner.discount_basis_points);
  quote.mutable_rule_applied()->set_kind(winner.kind);
  quote.mutable_rule_applied()->set_rule(winner.rule);
  quote.mutable_rule_applied()->set_description(winner.description);
  if (winner.valid_until.has_value()) {
    common::ToDateMessage(*winner.valid_until, quote.mutable_valid_until());
  }
  return quote;
}

}  // namespace crm::customer
