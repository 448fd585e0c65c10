from h import *
hid=read_hidden(sys.argv[1] if len(sys.argv)>1 else '/work/shared/datasets/los-loop/kriging-test-nodes.csv',ids)
obs,fold,nf=setup(hid)
Xtr=X[:TR]; Xte=X[TR:]; P=profile(Xtr)
todtr=np.arange(TR)%288; todte=np.arange(TR,T)%288
def make(prior, alpha, K, Kd, mult, s=1.0):
    def fn(Xr,tod,t,cand):
        nb,d,_=neighbours(t,cand,max(K,Kd)); w=np.exp(-(d/(s*SIG))**2)+1e-300
        Pn=P[tod][:,nb]; V=Xr[:,nb]
        netmed=np.median(P[tod][:,cand],1)
        if prior=='knn': ph=Pn[:,:K]@w[:K]/w[:K].sum()
        elif prior=='med': ph=np.median(Pn[:,:K],1)
        ph=alpha*ph+(1-alpha)*netmed
        wd=w[:Kd]/w[:Kd].sum()
        if mult: return ph*((V[:,:Kd]/Pn[:,:Kd])@wd)
        return ph+(V[:,:Kd]-Pn[:,:Kd])@wd
    return fn
def cv(fn):
    e=[]
    for t in obs:
        cand=np.array([j for j in obs if fold[j]!=fold[t]]); e.append(np.abs(fn(Xtr,todtr,t,cand)-Xtr[:,t]))
    return np.mean(e)
def te(fn): return np.mean([np.abs(fn(Xte,todte,t,obs)-Xte[:,t]) for t in hid])
for prior in ['knn','med']:
  for alpha in [0,0.3,0.5,0.7,1]:
    for K in [5]:
      for Kd in [3,5]:
        for mult in [0,1]:
          fn=make(prior,alpha,K,Kd,mult); print(prior,alpha,K,Kd,mult,round(cv(fn),3),round(te(fn),3),flush=True)
