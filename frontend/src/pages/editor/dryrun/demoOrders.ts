// Sample orders for the test run, shaped like an order.paid payload and using the demo data's customers and
// SKUs (runtime/demo.py), so routing finds their stock after `orderloom demo`.
import type { MessageKey } from "../../../i18n";

interface Line {
  sku: string;
  name: string;
  qty: number;
  price: string;
  weight_kg: string;
  medical_class?: string | null;
  cold_chain?: boolean;
}

function order(total: string, customer: Record<string, unknown>, address: Record<string, unknown>, lines: Line[],
  extra: Record<string, unknown> = {}): Record<string, unknown> {
  const paid = "2026-06-18T10:00:00+08:00";
  return {
    channel: "tmall", channel_order_no: "DRY-RUN-1", total, currency: "CNY", created_at: "2026-06-18T09:55:00+08:00",
    paid_at: paid, customer, recipient: customer.name, address,
    lines: lines.map((l) => ({ medical_class: null, cold_chain: false, gift: false, ...l })),
    payment: { method: "alipay", amount: total, paid_at: paid }, coupon_used: false, coupon_codes: [],
    accepts_split: true, receipt: false, ...extra,
  };
}

const VIP = { external_ref: "demo-c-005", name: "朱勇", tier: "VIP", new: false, phone: "13100052768", address: "浙江杭州西湖区中山路 118 号" };
const TIANJIN_CUSTOMER = { external_ref: "demo-c-001", name: "胡超平", tier: "VIP", new: false, phone: "18900014050", address: "天津天津和平区解放路 95 号" };
const HANGZHOU = { country: "CN", province: "浙江", city: "杭州", district: "西湖区", region: "east", detail: "浙江杭州西湖区中山路 118 号", phone: "13100052768" };
const TIANJIN = { country: "CN", province: "天津", city: "天津", district: "和平区", region: "north", detail: "天津天津和平区解放路 95 号", phone: "18900014050" };

export const DEMO_ORDERS: { key: MessageKey; order: Record<string, unknown> }[] = [
  { key: "dryrun.demo.highValue", order: order("7373.70", VIP, HANGZHOU, [{ sku: "ELE-001", name: "数码家电 001", qty: 3, price: "2457.90", weight_kg: "10.87" }]) },
  { key: "dryrun.demo.plain", order: order("123.90", TIANJIN_CUSTOMER, TIANJIN, [{ sku: "SNK-001", name: "零食 001", qty: 1, price: "40.00", weight_kg: "0.24" }, { sku: "SNK-002", name: "零食 002", qty: 1, price: "83.90", weight_kg: "0.5" }]) },
  { key: "dryrun.demo.remote", order: order("641.90", TIANJIN_CUSTOMER, { ...TIANJIN, province: "西藏", city: "拉萨", district: "城关区", region: "west", detail: "西藏拉萨城关区团结路 8 号" }, [{ sku: "TEA-001", name: "茶叶 001", qty: 1, price: "641.90", weight_kg: "0.33" }]) },
  { key: "dryrun.demo.crossBorder", order: order("2907.00", VIP, { country: "DE", province: "Berlin", city: "Berlin", district: "Mitte", region: "east", detail: "Friedrichstraße 12", phone: "13100052768" }, [{ sku: "MED-001", name: "医疗器械 001", qty: 1, price: "2907.00", weight_kg: "2.23", medical_class: "IIa" }]) },
];
