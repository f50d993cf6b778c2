namespace Seagull

module internal Placeholder_Experiment_Summary =
    let internal pending = ()
