//! The account rendered as text (what `yuma explain` prints).

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use super::{
    f9, fx, u16_fraction, yes, Explanation, MinerAccount, NullAccount, Options, ValidatorAccount,
};
use crate::fixed::{sat_add, ZERO};

/// The printed rows of a list of terms: every one (`all`), or the largest `top` and one line
/// for the rest.
fn terms_lines<T>(
    s: &mut String,
    terms: &[T],
    opts: &Options,
    line: impl Fn(&T) -> String,
    value: impl Fn(&T) -> i64,
) {
    let shown = if opts.all {
        terms.len()
    } else {
        opts.top.min(terms.len())
    };
    for t in terms.iter().take(shown) {
        let _ = writeln!(s, "    {}", line(t));
    }
    let rest = terms.get(shown..).unwrap_or(&[]);
    if !rest.is_empty() {
        let sum = rest
            .iter()
            .fold(ZERO, |a, t| sat_add(a, fx(value(t))))
            .to_bits();
        let k = rest.len();
        let _ = writeln!(
            s,
            "    the other {k} term{} sum to {}  (--all lists them)",
            if k == 1 { "" } else { "s" },
            f9(sum)
        );
    }
}

impl Explanation {
    /// The account as text (what `yuma explain` prints).
    pub fn text(&self, opts: &Options) -> String {
        let mut s = String::new();
        let u = self.uid;
        let _ = writeln!(
            s,
            "uid {u} of n = {} ({}), epoch at block {}{}",
            self.n,
            self.consensus,
            self.block,
            if self.owner {
                "; the subnet owner's uid"
            } else {
                ""
            }
        );
        let _ = writeln!(s, "Runtime rules: {}", self.rules);
        let _ = writeln!(s, "Hyperparameters: {}", self.parameters);
        if let Some(la) = &self.liquid_alpha {
            let _ = writeln!(s, "{la}");
        }
        let _ = writeln!(
            s,
            "Fractions have nine decimals; [brackets] name the trace field (`yuma epoch --trace`)."
        );
        self.stake_text(&mut s);
        if let Some(nl) = &self.null {
            Self::null_text(&mut s, nl, u);
        }
        if let Some(m) = &self.miner {
            self.miner_text(&mut s, m, opts);
        } else if self.null.is_none() {
            let _ = writeln!(
                s,
                "\nAs a miner\n  no validator's counted weights reach uid {u}: incentive 0"
            );
        }
        if let Some(v) = &self.validator {
            self.validator_text(&mut s, v, opts);
        } else if self.null.is_none() {
            let _ = writeln!(
                s,
                "\nAs a validator\n  no permit, no counted weights and no bonds: dividends 0"
            );
        }
        self.emission_text(&mut s);
        for d in &self.discrepancies {
            let _ = writeln!(s, "warning: this account disagrees with the epoch: {d}");
        }
        s
    }

    fn stake_text(&self, s: &mut String) {
        let k = &self.stake;
        let _ = writeln!(s, "\nStake");
        let _ = writeln!(
            s,
            "  total stake      alpha {} + tao {} × tao_weight ({} / 18446744073709551615) = {} rao",
            k.alpha_stake, k.tao_stake, k.tao_weight, k.total_stake
        );
        if k.below_threshold {
            let _ = writeln!(s, "  below stake_threshold: counted as 0");
        }
        if self.owner {
            let _ = writeln!(
                s,
                "  owner            exempt from stake_threshold; its weight on itself is kept"
            );
        }
        let _ = writeln!(
            s,
            "  stake weight     {} of all stake  [stake[{}]]; as stored {}",
            f9(k.stake_weight),
            self.uid,
            u16_fraction(k.stake_weight_u16)
        );
        if k.active {
            let _ = writeln!(
                s,
                "  active           yes: last update {} + activity cutoff {} ≥ block {}",
                k.last_update, k.activity_cutoff, k.current_block
            );
        } else {
            let _ = writeln!(
                s,
                "  active           no: last update {} + activity cutoff {} < block {}, so its \
                 weights do not count and its stake is not active",
                k.last_update, k.activity_cutoff, k.current_block
            );
        }
        let _ = writeln!(
            s,
            "  permit           stored {} → new {}",
            yes(k.permit_before),
            yes(k.permit_after)
        );
        let _ = writeln!(
            s,
            "  active stake     {} (stake of active uids holding a stored permit, normalized)  [active_stake[{}]]",
            f9(k.active_stake),
            self.uid
        );
    }

    fn miner_text(&self, s: &mut String, m: &MinerAccount, opts: &Options) {
        let u = self.uid;
        let _ = writeln!(s, "\nAs a miner");
        let _ = writeln!(
            s,
            "  consensus        {} = the stake-weighted {} / 65535 quantile of the weights on uid {u}  [consensus[{u}]]; as stored {}",
            f9(m.consensus),
            m.kappa,
            u16_fraction(m.consensus_u16)
        );
        let _ = writeln!(
            s,
            "  from {} validator{}: active stake × weight clipped at consensus = term",
            m.terms.len(),
            if m.terms.len() == 1 { "" } else { "s" }
        );
        terms_lines(
            s,
            &m.terms,
            opts,
            |t| {
                let clip = if t.clipped < t.weight {
                    format!(" (weight {} clipped)", f9(t.weight))
                } else {
                    String::new()
                };
                format!(
                    "uid {:>5}  {} × {}{clip} = {}",
                    t.validator,
                    f9(t.active_stake),
                    f9(t.clipped),
                    f9(t.term)
                )
            },
            |t| t.term,
        );
        let _ = writeln!(s, "  Σ terms          = rank {}", f9(m.rank));
        let _ = writeln!(
            s,
            "  incentive        rank {} / Σ every uid's rank {} = {}  [incentive[{u}]]",
            f9(m.rank),
            f9(m.rank_total),
            f9(m.incentive)
        );
        let _ = writeln!(s, "  as stored        {}", u16_fraction(m.incentive_u16));
        if m.clipped_away > 0 {
            let _ = writeln!(
                s,
                "  clipping removed {} of stake-weighted weight (Σ active stake × (weight − clipped))",
                f9(m.clipped_away)
            );
        }
    }

    fn validator_text(&self, s: &mut String, v: &ValidatorAccount, opts: &Options) {
        let u = self.uid;
        let _ = writeln!(s, "\nAs a validator");
        let _ = writeln!(
            s,
            "  weights set      {} that count (after the masks); validator trust {} = Σ of them clipped  [validator_trust[{u}]]; as stored {}",
            v.weights_set,
            f9(v.validator_trust),
            u16_fraction(v.validator_trust_u16)
        );
        let what = if self.consensus == "Yuma 2" {
            "its EMA bond normalized over validators (each miner's column sums to 1; stored max-upscaled)"
        } else {
            "its EMA bond normalized over validators (each miner's column sums to 1)"
        };
        let _ = writeln!(
            s,
            "  on {} miner{}: {what} × the miner's incentive = term",
            v.terms.len(),
            if v.terms.len() == 1 { "" } else { "s" }
        );
        terms_lines(
            s,
            &v.terms,
            opts,
            |t| {
                format!(
                    "uid {:>5}  {} × {} = {}",
                    t.miner,
                    f9(t.bond),
                    f9(t.incentive),
                    f9(t.term)
                )
            },
            |t| t.term,
        );
        let _ = writeln!(s, "  Σ terms          = {}", f9(v.bond_sum));
        if let Some(f) = v.stake_factor {
            let _ = writeln!(
                s,
                "  × active stake   {} × {} = {}",
                f9(v.bond_sum),
                f9(f),
                f9(v.raw)
            );
        }
        let _ = writeln!(
            s,
            "  dividends        {} / Σ over the {} validators of the same {} = {}  [dividends[{u}]]",
            f9(v.raw),
            v.validators,
            f9(v.raw_total),
            f9(v.dividends)
        );
        let _ = writeln!(s, "  as stored        {}", u16_fraction(v.dividends_u16));
    }

    fn null_text(s: &mut String, nl: &NullAccount, u: u16) {
        match nl.winner {
            Some(w) => {
                let _ = writeln!(
                    s,
                    "\nNull consensus: uid {w} is the sole validator (the first uid with the largest total stake); its raw weights decide incentive."
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "\nNull consensus: no validator (the subnet has no uids)."
                );
            }
        }
        let _ = writeln!(
            s,
            "\nAs a miner\n  incentive share  {} of {} (the sole validator's weight on uid {u}; every share is 1 when it weights nothing)\n  incentive        {}  [incentive[{u}]]\n  server emission  the miner budget {} rao apportioned by shares (exact cumulative ratios, whole rao)",
            nl.incentive_share,
            nl.incentive_shares,
            f9(nl.incentive),
            nl.miner_budget
        );
        let _ = writeln!(
            s,
            "\nAs a validator\n  dividend share   {} of {} (total stake as raw I64F64 bits)\n  dividends        {}  [dividends[{u}]]\n  validator emission  the validator budget {} rao apportioned by shares",
            nl.dividend_share,
            nl.dividend_shares,
            f9(nl.dividends),
            nl.validator_budget
        );
    }

    fn emission_text(&self, s: &mut String) {
        let em = &self.emission;
        let _ = writeln!(s, "\nEmission (rao_emission {} rao)", em.rao_emission);
        if self.null.is_some() {
            let _ = writeln!(
                s,
                "  server {} rao + validator {} rao = {} rao  [emission]",
                em.server_emission, em.validator_emission, em.emission
            );
            return;
        }
        let _ = writeln!(
            s,
            "  emission sum     Σ over uids of (incentive + dividends) = {}",
            f9(em.emission_sum)
        );
        let _ = writeln!(
            s,
            "  server emission  incentive {} / {} = {} × {} = {} rao",
            f9(em.incentive),
            f9(em.emission_sum),
            f9(em.server_share),
            em.rao_emission,
            em.server_emission
        );
        if let Some(f) = &em.fallback {
            let _ = writeln!(s, "  {f}:");
            let _ = writeln!(
                s,
                "  validator emission  {} × {} = {} rao",
                f9(em.validator_share),
                em.rao_emission,
                em.validator_emission
            );
            let _ = writeln!(
                s,
                "  emission         {} × {} = {} rao",
                f9(em.share),
                em.rao_emission,
                em.emission
            );
        } else {
            let _ = writeln!(
                s,
                "  validator emission  dividends {} / {} = {} × {} = {} rao",
                f9(em.dividends),
                f9(em.emission_sum),
                f9(em.validator_share),
                em.rao_emission,
                em.validator_emission
            );
            let _ = writeln!(
                s,
                "  emission         (incentive + dividends) {} / {} = {} × {} = {} rao  [emission]",
                f9(em.incentive.saturating_add(em.dividends)),
                f9(em.emission_sum),
                f9(em.share),
                em.rao_emission,
                em.emission
            );
        }
        let _ = writeln!(
            s,
            "  (each amount is floored on its own, so server + validator may differ from emission by 1 rao)"
        );
    }
}
