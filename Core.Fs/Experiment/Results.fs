namespace Seagull

module internal Placeholder_Experiment_Results =
    let internal pending = ()
