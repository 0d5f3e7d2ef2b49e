"""The demo market: fixed rates, fees and slippage, in exact Decimal arithmetic.

- Rates: every asset has a fixed USD price; ``rate(src, dst) = price(src) / price(dst)``.
  USD, USDC and USDT are 1; EUR and EURC 1.08; ETH 3,000; BTC 60,000.
- Conversion fee: 15 basis points of the source amount, in the source asset, rounded up to the
  asset's decimals. The converted amount is ``(amount - fee) * rate``, rounded down.
- Market slippage (applied at execution, not in the preview quote): 10 bps between USD-pegged
  assets, 20 bps for pairs with a EUR asset, 30 bps for pairs with a crypto asset. A conversion
  whose ``slippageBasisPoints`` is below it fails with SLIPPAGE_EXCEEDED (e.g. 5 for USD->USDC);
  the default tolerance is 100 bps.
- Conversions below the equivalent of USD 1 fail with AMOUNT_TOO_SMALL; fiat to fiat (USD<->EUR)
  is not offered (ASSETS_CAN_NOT_CONVERTED).
- Transfers and disbursement payments cost a flat network fee per payment, in the asset paid,
  charged on top of the amount.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal, localcontext

__all__ = [
    "ASSETS",
    "CONVERSION_FEE_BPS",
    "DEFAULT_SLIPPAGE_BPS",
    "can_convert",
    "conversion_fee",
    "convert",
    "fmt",
    "known_asset",
    "market_slippage_bps",
    "network_fee",
    "quantize_down",
    "rate",
    "usd_value",
]

#: assetId -> (decimals, USD price, kind, flat network fee per payment)
ASSETS: dict[str, tuple[int, Decimal, str, Decimal]] = {
    "USD": (2, Decimal("1"), "fiat", Decimal("0.50")),
    "EUR": (2, Decimal("1.08"), "fiat", Decimal("0.50")),
    "USDC": (6, Decimal("1"), "stable", Decimal("1")),
    "USDT": (6, Decimal("1"), "stable", Decimal("1")),
    "EURC": (6, Decimal("1.08"), "stable", Decimal("1")),
    "ETH": (18, Decimal("3000"), "crypto", Decimal("0.0005")),
    "BTC": (8, Decimal("60000"), "crypto", Decimal("0.00002")),
}
CONVERSION_FEE_BPS = Decimal(15)
DEFAULT_SLIPPAGE_BPS = 100
MIN_CONVERSION_USD = Decimal(1)
_EUR_ASSETS = frozenset({"EUR", "EURC"})
_BPS = Decimal(10000)


def known_asset(asset_id: str) -> bool:
    return asset_id in ASSETS


def decimals(asset_id: str) -> int:
    return ASSETS[asset_id][0]


def quantize_down(value: Decimal, asset_id: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals(asset_id)), rounding=ROUND_DOWN)


def _quantize_up(value: Decimal, asset_id: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals(asset_id)), rounding=ROUND_UP)


def fmt(value: Decimal) -> str:
    """A DecimalString: plain notation, no exponent, at least two decimals when fractional
    digits exist or the value is money-like (``"9985.00"``, ``"3990.006"``)."""
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if len(frac) < 2:
        frac = frac.ljust(2, "0")
    return f"{whole}.{frac}"


def rate(src: str, dst: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        return (ASSETS[src][1] / ASSETS[dst][1]).quantize(Decimal("1e-12"), rounding=ROUND_DOWN)


def fmt_rate(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def can_convert(src: str, dst: str) -> bool:
    return not (ASSETS[src][2] == "fiat" and ASSETS[dst][2] == "fiat")


def usd_value(amount: Decimal, asset_id: str) -> Decimal:
    return amount * ASSETS[asset_id][1]


def conversion_fee(amount: Decimal, asset_id: str) -> Decimal:
    return _quantize_up(amount * CONVERSION_FEE_BPS / _BPS, asset_id)


def market_slippage_bps(src: str, dst: str) -> int:
    kinds = {ASSETS[src][2], ASSETS[dst][2]}
    if "crypto" in kinds:
        return 30
    if {src, dst} & _EUR_ASSETS:
        return 20
    return 10


def convert(amount: Decimal, src: str, dst: str, slippage_bps: int = 0) -> tuple[Decimal, Decimal]:
    """(converted amount in dst, fee in src) of converting ``amount`` of src."""
    fee = conversion_fee(amount, src)
    with localcontext() as ctx:
        ctx.prec = 60
        gross = (amount - fee) * ASSETS[src][1] / ASSETS[dst][1]
        net = gross * (_BPS - slippage_bps) / _BPS
    return quantize_down(net, dst), fee


def network_fee(asset_id: str) -> Decimal:
    return ASSETS[asset_id][3]


def conversion_too_small(amount: Decimal, asset_id: str) -> bool:
    return usd_value(amount, asset_id) < MIN_CONVERSION_USD or amount <= conversion_fee(
        amount, asset_id
    )
