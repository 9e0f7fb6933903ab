use crate::input::{bad_input, Fail};
use crate::output::print_json;

/// `yuma synth`: a synthetic subnet of `params`' shape on stdout, its bonds formed over
/// `form_bonds` epochs when asked.
pub(crate) fn cmd_synth(params: yuma::synth::SynthParams, form_bonds: u32) -> Result<(), Fail> {
    for (flag, value) in [
        ("--validators", params.validators),
        ("--weights-per-row", params.weights_per_row),
    ] {
        if value > params.n {
            return Err(bad_input(format!(
                "{flag} {value} exceeds --n {}: a subnet of {} uids has at most {} validators and \
                 {} weights per row",
                params.n, params.n, params.n, params.n
            )));
        }
    }
    let limit = yuma::Limits::DEFAULT.max_entries;
    if params.entries() > limit {
        return Err(bad_input(format!(
            "--validators {} x --weights-per-row {} (each at most n = {}) makes {} weight \
             and bond entries; an epoch takes at most {limit} (Limits::max_entries)",
            params.validators,
            params.weights_per_row,
            params.n,
            params.entries()
        )));
    }
    let mut input = yuma::synth::subnet(&params);
    if let Err(e) = yuma::synth::form_bonds(&mut input, form_bonds) {
        return Err(Fail(format!("forming bonds: {e}"), 2));
    }
    print_json(&input, false)
}
